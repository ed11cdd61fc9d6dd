import { describe, expect, it } from 'vitest';
import { macroValues, renderTemplate } from '../../common/rules/macros.ts';

const values = macroValues({
  contact: { name: 'Jane Doe', email: 'jane@acme.com' },
  ticket: { id: 'tkt_01JQ0000000000000000000000', number: 1042 },
  agent: { name: 'Sam Agent' },
});

describe('renderTemplate', () => {
  it('fills in every known placeholder, each as often as it appears', () => {
    expect(
      renderTemplate('Hi {{contact.name}}, re {{ticket.id}}. {{agent.name}} / {{agent.name}}', values),
    ).toBe('Hi Jane Doe, re tkt_01JQ0000000000000000000000. Sam Agent / Sam Agent');
  });

  it('fills the ticket’s number, the short reference a customer can quote', () => {
    expect(renderTemplate('Your ticket #{{ticket.number}} is resolved', values)).toBe('Your ticket #1042 is resolved');
  });

  it('allows whitespace inside the braces', () => {
    expect(renderTemplate('{{ contact.name }}|{{\tticket.id\n}}|{{agent.name   }}', values)).toBe(
      'Jane Doe|tkt_01JQ0000000000000000000000|Sam Agent',
    );
  });

  it('leaves unknown placeholders exactly as written', () => {
    const template = 'Hi {{foo.bar}} {{ Contact.Name }} {{contact}} {{constructor}} {{__proto__}}';
    expect(renderTemplate(template, values)).toBe(template);
  });

  it('leaves malformed braces alone', () => {
    const template = '{{}} {{ }} {contact.name} {{contact.name} {{contact..name}} {{{contact.name}}}';
    expect(renderTemplate(template, values)).toBe(
      '{{}} {{ }} {contact.name} {{contact.name} {{contact..name}} {Jane Doe}',
    );
  });

  it('inserts values literally: no re-expansion and no $-patterns', () => {
    const tricky = new Map([
      ['contact.name', '{{agent.name}} $& $1 $$'],
      ['agent.name', 'Sam'],
    ]);
    expect(renderTemplate('Hi {{contact.name}}, {{agent.name}}', tricky)).toBe(
      'Hi {{agent.name}} $& $1 $$, Sam',
    );
  });

  it('returns text without placeholders unchanged', () => {
    expect(renderTemplate('Thanks, we are on it.', values)).toBe('Thanks, we are on it.');
    expect(renderTemplate('', values)).toBe('');
  });
});

describe('macroValues', () => {
  it("addresses a contact without a name by email", () => {
    const noName = macroValues({
      contact: { name: null, email: 'jane@acme.com' },
      ticket: { id: 'tkt_1', number: 1 },
      agent: { name: 'Sam' },
    });
    expect(renderTemplate('Hi {{contact.name}}', noName)).toBe('Hi jane@acme.com');
  });

  it('treats a blank name as no name', () => {
    const blank = macroValues({
      contact: { name: '  ', email: 'jane@acme.com' },
      ticket: { id: 'tkt_1', number: 1 },
      agent: { name: 'Sam' },
    });
    expect(blank.get('contact.name')).toBe('jane@acme.com');
  });
});
