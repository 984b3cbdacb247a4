import { describe, expect, it } from 'vitest';
import type { Idea } from './idea';
import { emptyIdeaForm, formFromIdea, toIdeaCreate, toIdeaPatch } from './idea-form';

const idea: Idea = {
  id: 9,
  conferenceId: 1,
  conferenceSlug: 'tag',
  title: 'Mehr Grün',
  body: 'Text',
  topic: 'Umwelt',
  department: 'IT',
  authorName: 'Kim',
  anonymous: false,
  status: 'open',
  hidden: false,
  supportCount: 0,
  commentCount: 0,
  version: 4,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  mine: true,
  supported: false,
  canEdit: true,
};

describe('idea form', () => {
  it('starts anonymous only when the policy says always', () => {
    expect(emptyIdeaForm('always').anonymous).toBe(true);
    expect(emptyIdeaForm('allowed', 'IT')).toEqual({ title: '', body: '', topic: '', department: 'IT', anonymous: false });
  });

  it('applies the anonymity policy to the create body', () => {
    const v = { ...emptyIdeaForm('allowed'), title: '  Titel ', anonymous: true };
    expect(toIdeaCreate(v, 'allowed')).toEqual({ title: 'Titel', body: '', topic: '', department: '', anonymous: true });
    expect(toIdeaCreate(v, 'never').anonymous).toBe(false);
    expect(toIdeaCreate({ ...v, anonymous: false }, 'always').anonymous).toBe(true);
  });

  it('patches only what changed, with the version', () => {
    expect(toIdeaPatch(formFromIdea(idea), idea)).toEqual({ version: 4 });
    expect(toIdeaPatch({ ...formFromIdea(idea), title: ' Mehr Bäume ', department: '' }, idea)).toEqual({
      version: 4,
      title: 'Mehr Bäume',
      department: '',
    });
  });
});
