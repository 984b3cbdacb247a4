import { describe, expect, it } from 'vitest';
import { canComment, replaceComment, shownCount, threadComments, type Comment } from './comments';
import type { Participant } from './idea';

function comment(id: number, parentId?: number, extra: Partial<Comment> = {}): Comment {
  return {
    id,
    ideaId: 1,
    ...(parentId ? { parentId } : {}),
    authorName: `Person ${id}`,
    body: `Text ${id}`,
    hidden: false,
    deleted: false,
    createdAt: '2026-06-01T09:00:00+02:00',
    updatedAt: '2026-06-01T09:00:00+02:00',
    mine: false,
    canEdit: false,
    ...extra,
  };
}

const participant = (role: Participant['role'] = 'participant'): Participant => ({
  id: 7,
  conferenceId: 1,
  displayName: 'Kim',
  department: '',
  role,
  createdAt: '2026-06-01T09:00:00+02:00',
});

describe('threadComments', () => {
  it('groups replies under their top-level comment, keeping the order', () => {
    const threads = threadComments([comment(1), comment(2), comment(3, 1), comment(4, 2), comment(5, 1)]);
    expect(threads.map((t) => [t.comment.id, t.replies.map((r) => r.id)])).toEqual([
      [1, [3, 5]],
      [2, [4]],
    ]);
  });

  it('keeps a reply whose parent is not visible as a thread of its own', () => {
    const threads = threadComments([comment(1), comment(9, 8)]);
    expect(threads.map((t) => t.comment.id)).toEqual([1, 9]);
    expect(threads[1]?.replies).toEqual([]);
  });

  it('copes with an empty list', () => {
    expect(threadComments([])).toEqual([]);
  });
});

describe('shownCount and replaceComment', () => {
  it('counts comments with text only', () => {
    expect(shownCount([comment(1), comment(2, undefined, { deleted: true, body: '' }), comment(3, 1)])).toBe(2);
  });

  it('replaces by id and leaves the others alone', () => {
    const list = [comment(1), comment(2)];
    const next = replaceComment(list, { ...comment(2), body: 'neu' });
    expect(next.map((c) => c.body)).toEqual(['Text 1', 'neu']);
    expect(next[0]).toBe(list[0]);
  });
});

describe('canComment', () => {
  const idea = { status: 'new', commentsLocked: false };

  it('needs a participant and an open phase', () => {
    expect(canComment({ phase: 'ideas' }, idea, participant())).toBe(true);
    expect(canComment({ phase: 'live' }, idea, participant())).toBe(true);
    expect(canComment({ phase: 'ideas' }, idea, null)).toBe(false);
    expect(canComment({ phase: 'closed' }, idea, participant())).toBe(false);
    expect(canComment({ phase: 'archived' }, idea, participant())).toBe(false);
  });

  it('is closed on merged ideas', () => {
    expect(canComment({ phase: 'ideas' }, { status: 'merged', mergedIntoId: 4 }, participant('moderator'))).toBe(false);
  });

  it('lets only moderators write on locked ideas', () => {
    const locked = { ...idea, commentsLocked: true };
    expect(canComment({ phase: 'ideas' }, locked, participant())).toBe(false);
    expect(canComment({ phase: 'ideas' }, locked, participant('moderator'))).toBe(true);
  });
});
