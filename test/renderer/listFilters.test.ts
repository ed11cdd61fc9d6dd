import { describe, expect, it } from 'vitest';
import { filtersFromSearch as contactFilters } from '../../renderer/src/contacts/filters.ts';
import { filtersFromSearch as conversationFilters } from '../../renderer/src/conversations/filters.ts';

describe('conversation filters from the URL', () => {
  it('reads channel, status and search', () => {
    expect(conversationFilters(new URLSearchParams('channel=chat&status=archived&q=refund'))).toEqual({
      channel: 'chat',
      status: 'archived',
      search: 'refund',
    });
  });

  it('falls back to all active conversations for missing or junk values', () => {
    expect(conversationFilters(new URLSearchParams('channel=fax&status=deleted'))).toEqual({ channel: 'all', status: 'active', search: '' });
  });
});

describe('contact filters from the URL', () => {
  it('reads the health tier, search and company', () => {
    expect(contactFilters(new URLSearchParams('tier=at-risk&q=ada&company=Acme'))).toEqual({ tier: 'at-risk', search: 'ada', company: 'Acme' });
  });

  it('shows every tier for junk', () => {
    expect(contactFilters(new URLSearchParams('tier=happy')).tier).toBe('all');
  });
});
