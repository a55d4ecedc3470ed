import { useEffect, useState } from 'preact/hooks';
import { pb, SUPERUSERS } from './api.ts';
import { BackupsPage } from './pages/backups.tsx';
import { CataloguePage } from './pages/catalogue.tsx';
import { CollectionEditor } from './pages/collection-editor.tsx';
import { CollectionsPage } from './pages/collections.tsx';
import { ConfirmPage } from './pages/confirm.tsx';
import { LiveEventsPage } from './pages/events.tsx';
import { FEATURE_PAGES, FeaturePage } from './pages/feature.tsx';
import { HooksPage } from './pages/hooks.tsx';
import { LoginPage } from './pages/login.tsx';
import { PluginsPage } from './pages/plugins.tsx';
import { RecordsPage } from './pages/records.tsx';
import { SettingsPage } from './pages/settings.tsx';
import { WebhooksPage } from './pages/webhooks.tsx';
import { match, navigate, useHashPath } from './router.ts';

const NAV = [
  ['/collections', 'Collections'],
  ['/settings', 'Settings'],
  ['/hooks', 'Hooks'],
  ['/catalogue', 'Catalogue'],
  ['/events', 'Live events'],
  ['/webhooks', 'Webhooks'],
  ['/plugins', 'Plugins'],
  ...FEATURE_PAGES.map((feature) => [feature.path, feature.title] as const),
  ['/backups', 'Backups'],
] as const;

function useSignedIn(): boolean {
  const [valid, setValid] = useState(
    pb.authStore.isValid && pb.authStore.record?.collectionName === SUPERUSERS,
  );
  useEffect(
    () =>
      pb.authStore.onChange(() =>
        setValid(pb.authStore.isValid && pb.authStore.record?.collectionName === SUPERUSERS),
      ),
    [],
  );
  return valid;
}

function CollectionsRoute({ parts }: { parts: string[] }) {
  if (parts[0] === 'new') return <CollectionEditor />;
  if (parts[1] === 'edit') return <CollectionEditor name={parts[0]} />;
  if (parts[0]) return <RecordsPage collection={parts[0]} />;
  return <CollectionsPage />;
}

function Page({ path }: { path: string }) {
  const collections = match(path, '/collections');
  if (collections) return <CollectionsRoute parts={collections} />;
  if (match(path, '/settings')) return <SettingsPage />;
  if (match(path, '/hooks')) return <HooksPage />;
  if (match(path, '/catalogue')) return <CataloguePage />;
  if (match(path, '/events')) return <LiveEventsPage />;
  const webhooks = match(path, '/webhooks');
  if (webhooks) return <WebhooksPage id={webhooks[0]} />;
  if (match(path, '/plugins')) return <PluginsPage />;
  if (match(path, '/backups')) return <BackupsPage />;
  const feature = FEATURE_PAGES.find((candidate) => match(path, candidate.path));
  if (feature) return <FeaturePage feature={feature} />;
  navigate('/collections');
  return null;
}

export function App() {
  const path = useHashPath();
  const signedIn = useSignedIn();
  const confirm = match(path, '/auth');
  if (confirm && confirm.length === 2) return <ConfirmPage action={confirm[0]} token={confirm[1]} />;
  if (!signedIn) return <LoginPage />;
  return (
    <div class="layout">
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="topbar">
        <strong class="brand">Sluice</strong>
        <nav aria-label="Sections">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <a href={`#${href}`} aria-current={match(path, href) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="link" onClick={() => pb.authStore.clear()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </div>
  );
}
