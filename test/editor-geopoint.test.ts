import PocketBase, { type CollectionModel } from 'pocketbase';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Dialect,
  dialects,
  startServer,
  type TestServer,
} from './helpers.ts';
import { failureOf } from './sdk-client.ts';

/** A collection as PocketBase 0.28 exports it, with its editor and geoPoint fields. */
const placesExport = {
  id: 'pbc_2187419221',
  name: 'places',
  type: 'base',
  system: false,
  listRule: '',
  viewRule: '',
  createRule: null,
  updateRule: null,
  deleteRule: null,
  indexes: [],
  fields: [
    {
      autogeneratePattern: '[a-z0-9]{15}',
      hidden: false,
      id: 'text3208210256',
      max: 15,
      min: 15,
      name: 'id',
      pattern: '^[a-z0-9]+$',
      presentable: false,
      primaryKey: true,
      required: true,
      system: true,
      type: 'text',
    },
    {
      convertURLs: false,
      hidden: false,
      id: 'editor1843675174',
      maxSize: 40,
      name: 'description',
      presentable: false,
      required: false,
      system: false,
      type: 'editor',
    },
    {
      hidden: false,
      id: 'geoPoint1587448267',
      name: 'location',
      presentable: false,
      required: true,
      system: false,
      type: 'geoPoint',
    },
  ],
};

describe.each(dialects)('PocketBase’s editor and geoPoint fields (%s)', (dialect: Dialect) => {
  let server: TestServer;
  let admin: PocketBase;

  beforeAll(async () => {
    server = await startServer(dialect);
    admin = new PocketBase(server.url);
    admin.autoCancellation(false);
    await admin.collection('_superusers').authWithPassword(ADMIN_EMAIL, ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('imports a PocketBase export with them unchanged', async () => {
    // the SDK's types have no null rules, which PocketBase's exports hold
    await admin.collections.import([placesExport as unknown as CollectionModel]);
    const places = await admin.collections.getOne('places');
    const byName = Object.fromEntries(places.fields.map((field) => [field.name, field]));
    expect(byName.description).toMatchObject({ type: 'editor', maxSize: 40, convertURLs: false });
    expect(byName.location).toMatchObject({ type: 'geoPoint', required: true });
  });

  it('stores and validates their values', async () => {
    const paris = await admin.collection('places').create({
      description: '<p>Paris</p>',
      location: { lon: 2.3522, lat: 48.8566 },
    });
    expect(paris.description).toBe('<p>Paris</p>');
    expect(paris.location).toEqual({ lon: 2.3522, lat: 48.8566 });
    const form = new FormData();
    form.append('location', JSON.stringify({ lon: -0.1276, lat: 51.5072 }));
    const london = await admin.collection('places').create(form);
    expect(london.location).toEqual({ lon: -0.1276, lat: 51.5072 });
    expect(london.description).toBe('');

    const invalid = await failureOf(
      admin.collection('places').create({ description: 'x'.repeat(41), location: { lon: 200, lat: 0 } }),
    );
    expect(invalid.response.data.description.code).toBe('validation_max_size_constraint');
    expect(invalid.response.data.location.code).toBe('validation_invalid_geo_point');
    const blank = await failureOf(admin.collection('places').create({ description: 'nowhere' }));
    expect(blank.response.data.location.code).toBe('validation_required');
  });

  it('filters and sorts on a point’s lon and lat', async () => {
    const north = await admin.collection('places').getFullList({ filter: 'location.lat > 50' });
    expect(north.map((place) => place.location.lon)).toEqual([-0.1276]);
    const east = await admin
      .collection('places')
      .getFullList({ filter: 'location.lon > 0 && location.lat < 50' });
    expect(east.map((place) => place.description)).toEqual(['<p>Paris</p>']);
    const nearParis = 'geoDistance(location.lon, location.lat, 2.3522, 48.8566)';
    const within = async (km: number) =>
      (
        await admin.collection('places').getFullList({ filter: `${nearParis} < ${km}`, sort: 'location.lat' })
      ).map((place) => place.location.lat);
    expect(await within(10)).toEqual([48.8566]);
    expect(await within(300)).toEqual([48.8566]);
    expect(await within(400)).toEqual([48.8566, 51.5072]);
    const unknown = await failureOf(admin.collection('places').getFullList({ filter: 'nowhere(1) > 0' }));
    expect(unknown.status).toBe(400);
    const southFirst = await admin.collection('places').getFullList({ sort: 'location.lat' });
    expect(southFirst.map((place) => place.location.lat)).toEqual([48.8566, 51.5072]);
  });
});
