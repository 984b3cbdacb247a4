/**
 * Comments on an idea: their shape, threading (replies go one level deep)
 * and the API calls. Pure apart from the calls, so the threading is unit-tested.
 */

import { api, itemsOf } from './api';
import type { Conference } from './conference';
import { isMerged, type Idea, type Participant } from './idea';

/** A comment as the current browser sees it (the server's CommentView). */
export interface Comment {
  id: number;
  ideaId: number;
  /** Set on replies: the top-level comment answered. */
  parentId?: number;
  /** Empty for deleted comments. */
  authorName: string;
  /** Empty for deleted comments. */
  body: string;
  /** Hidden comments reach only moderators and their author. */
  hidden: boolean;
  hiddenReason?: string;
  deleted: boolean;
  reviewed?: boolean;
  createdAt: string;
  updatedAt: string;
  /** Written by this browser's participant. */
  mine: boolean;
  /** The author may still edit or delete it. */
  canEdit: boolean;
}

/** A top-level comment with its replies, both oldest first. */
export interface CommentThread {
  comment: Comment;
  replies: Comment[];
}

/** The server's limit, in characters. */
export const COMMENT_MAX = 4000;

/**
 * Groups a flat, oldest-first list into threads. A reply whose parent is not
 * in the list (e.g. hidden from this browser) is shown as a thread of its own
 * rather than lost.
 */
export function threadComments(comments: readonly Comment[]): CommentThread[] {
  const byId = new Map<number, CommentThread>();
  const threads: CommentThread[] = [];
  for (const c of comments) {
    if (c.parentId == null) {
      const thread = { comment: c, replies: [] };
      byId.set(c.id, thread);
      threads.push(thread);
    }
  }
  for (const c of comments) {
    if (c.parentId == null) continue;
    const parent = byId.get(c.parentId);
    if (parent) parent.replies.push(c);
    else threads.push({ comment: c, replies: [] });
  }
  return threads;
}

/** The number for the heading: comments with text (deleted ones only keep their place). */
export function shownCount(comments: readonly Comment[]): number {
  return comments.filter((c) => !c.deleted).length;
}

/** Replaces one comment by id; the others stay as they are. */
export function replaceComment(comments: readonly Comment[], updated: Comment): Comment[] {
  return comments.map((c) => (c.id === updated.id ? { ...c, ...updated } : c));
}

/** Whether this browser may write comments on the idea now (the server decides in the end). */
export function canComment(
  conference: Pick<Conference, 'phase'>,
  idea: Pick<Idea, 'status' | 'mergedIntoId' | 'commentsLocked'>,
  participant: Participant | null,
): boolean {
  if (!participant) return false;
  if (conference.phase !== 'ideas' && conference.phase !== 'live') return false;
  if (isMerged(idea)) return false;
  return !idea.commentsLocked || participant.role === 'moderator';
}

/** Element id of a comment, also the fragment of links to it. */
export function commentAnchor(id: number): string {
  return `comment-${id}`;
}

const ideaComments = (ideaId: number) => `/ideas/${encodeURIComponent(String(ideaId))}/comments`;
const commentPath = (id: number) => `/comments/${encodeURIComponent(String(id))}`;

export const commentsApi = {
  list: async (ideaId: number) =>
    itemsOf(await api.request<Comment[] | { items: Comment[] }>('GET', ideaComments(ideaId))),
  add: (ideaId: number, body: string, parentId?: number) =>
    api.request<Comment>('POST', ideaComments(ideaId), parentId ? { body, parentId } : { body }),
  edit: (id: number, body: string) => api.request<Comment>('PATCH', commentPath(id), { body }),
  remove: (id: number) => api.request<void>('DELETE', commentPath(id)),
};
