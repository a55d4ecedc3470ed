import { describe, expect, it } from 'vitest';
import type { Collection } from '../collections/types.ts';
import { fillVariables } from './named-templates.ts';
import { defaultTemplates, escapeHtml, htmlToText, renderTemplate, templateFor } from './templates.ts';

const values = {
  appName: 'Acme',
  appURL: 'https://acme.test/',
  token: 'tok.en-123',
  record: { id: 'r1', email: 'ann@acme.test', name: 'Ann' },
};

const collection = (overrides: Partial<Collection> = {}) =>
  ({ id: 'c1', name: 'users', type: 'auth', fields: [], ...overrides }) as unknown as Collection;

describe('auth email templates', () => {
  it('renders the default password reset email with the link and the app name', () => {
    const mail = renderTemplate(defaultTemplates.passwordReset, values);
    expect(mail.subject).toBe('Reset your Acme password');
    expect(mail.actionUrl).toBe('https://acme.test/_/#/auth/confirm-password-reset/tok.en-123');
    expect(mail.html).toContain('href="https://acme.test/_/#/auth/confirm-password-reset/tok.en-123"');
    expect(mail.text).toContain(
      'Reset password (https://acme.test/_/#/auth/confirm-password-reset/tok.en-123)',
    );
    expect(mail.text).not.toMatch(/<[a-z]/);
  });

  it('escapes record values in HTML, and keeps them as written in the text and subject', () => {
    const record = { id: 'r1', email: 'x@y.z', name: '<script>alert("x")</script> & co' };
    const mail = renderTemplate(
      { subject: 'Hi {RECORD:name}', body: '<p>Hello {RECORD:name}</p>', actionUrl: '{APP_URL}' },
      { ...values, record },
    );
    expect(mail.html).toBe('<p>Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</p>');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toBe('Hello <script>alert("x")</script> & co');
    expect(mail.subject).toBe('Hi <script>alert("x")</script> & co');
  });

  it('escapes the app name, and attribute-breaking quotes in the action URL', () => {
    const mail = renderTemplate(
      {
        subject: '{APP_NAME}',
        body: '<a href="{ACTION_URL}">{APP_NAME}</a>',
        actionUrl: '{APP_URL}/x?n={RECORD:name}',
      },
      { ...values, appName: 'A<b>', record: { id: 'r1', name: '" onclick="evil()' } },
    );
    expect(mail.html).toBe('<a href="https://acme.test/x?n=%22%20onclick%3D%22evil()">A&lt;b&gt;</a>');
  });

  it('replaces placeholders in one pass: a value reading {TOKEN} stays as written', () => {
    const mail = renderTemplate(
      { subject: 's', body: '{RECORD:name}|{TOKEN}', actionUrl: '' },
      { ...values, record: { id: 'r1', name: '{TOKEN}' } },
    );
    expect(mail.html).toBe('{TOKEN}|tok.en-123');
  });

  it('shows missing fields as nothing, objects as JSON, and only fields of the record given', () => {
    const mail = renderTemplate(
      { subject: 's', body: '[{RECORD:missing}] {RECORD:tags} {RECORD:password}', actionUrl: '' },
      { ...values, record: { id: 'r1', tags: ['a', 'b'] } },
    );
    expect(mail.html).toBe('[] [&quot;a&quot;,&quot;b&quot;] ');
  });

  it('keeps the subject on one line', () => {
    const mail = renderTemplate(
      { subject: 'Hi {RECORD:name}', body: '', actionUrl: '' },
      { ...values, record: { id: 'r1', name: 'Ann\r\nBcc: victim@x.y' } },
    );
    expect(mail.subject).toBe('Hi Ann Bcc: victim@x.y');
  });

  it('takes a collection’s overrides and fills their gaps from the defaults', () => {
    const custom = collection({ resetPasswordTemplate: { subject: 'Custom {APP_NAME}' } });
    const template = templateFor(custom, 'passwordReset');
    expect(template.subject).toBe('Custom {APP_NAME}');
    expect(template.body).toBe(defaultTemplates.passwordReset.body);
    expect(templateFor(collection(), 'verification')).toEqual(defaultTemplates.verification);
    expect(templateFor(collection(), 'emailChange').subject).toBe(
      'Confirm your {APP_NAME} new email address',
    );
  });
});

describe('htmlToText', () => {
  it('turns paragraphs and breaks into lines and decodes entities once', () => {
    expect(htmlToText('<p>One &amp;lt;</p><p>Two<br/>Three</p><style>p{}</style>')).toBe(
      'One &lt;\n\nTwo\nThree',
    );
  });
});

describe('named templates (Directus)', () => {
  it('fills {{ variables }} and {{ nested.paths }}, escaping in HTML', () => {
    const data = { collection: 'recipes', user: { name: '<Ann>' } };
    expect(fillVariables('<p>{{ collection }} by {{user.name}} {{ nope }}</p>', data, true)).toBe(
      '<p>recipes by &lt;Ann&gt; </p>',
    );
    expect(fillVariables('{{ user.name }}', data, false)).toBe('<Ann>');
  });

  it('does not reach inherited properties', () => {
    expect(fillVariables('{{ constructor }}{{ a.toString }}', { a: {} }, false)).toBe('');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
