/**
 * Moderation: who may moderate, the queue, actions on ideas and comments,
 * reports, the audit log and earlier versions of an idea.
 */

import { api, apiUrl, conferenceApiPath, itemsOf } from './api';
import type { Comment } from './comments';
import type { MessageKey } from './i18n';
import type { Idea, Participant } from './idea';

export type IdeaAction = 'hide' | 'unhide' | 'lock_comments' | 'unlock_comments' | 'tag' | 'review';
export type CommentAction = 'hide' | 'unhide' | 'review';
export type ReportEntity = 'idea' | 'comment';

export interface Report {
  id: number;
  conferenceId: number;
  entity: ReportEntity;
  entityId: number;
  reason: string;
  createdAt: string;
  resolvedAt?: string;
}

/** What moderators still have to look at (oldest first). */
export interface ModerationQueue {
  ideas: Idea[];
  comments: Comment[];
  reports: Report[];
}

export interface AuditEntry {
  id: number;
  conferenceId: number;
  actor: string;
  action: string;
  entity: string;
  entityId: number;
  reason: string;
  createdAt: string;
}

export interface AuditPage {
  items: AuditEntry[];
  total: number;
}

export interface IdeaVersion {
  id: number;
  ideaId: number;
  title: string;
  body: string;
  topic: string;
  department: string;
  createdAt: string;
}

/** Moderators are participants the organisers appointed; organisers may always moderate. */
export function canModerate(participant: Participant | null, isOrganizer: boolean): boolean {
  return isOrganizer || participant?.role === 'moderator';
}

/** Splits the tag editor's text ("a, b; c" or one per line) into distinct tags, in order. */
export function parseTags(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.split(/[,;\n]/)) {
    const tag = raw.trim().replace(/\s+/g, ' ');
    const key = tag.toLocaleLowerCase('de');
    if (tag && !seen.has(key)) {
      seen.add(key);
      out.push(tag);
    }
  }
  return out;
}

/** The queue's sizes for the headings and the summary. */
export function queueCounts(q: ModerationQueue): { ideas: number; comments: number; reports: number; total: number } {
  const ideas = q.ideas.length;
  const comments = q.comments.length;
  const reports = q.reports.length;
  return { ideas, comments, reports, total: ideas + comments + reports };
}

/** An empty queue, for a server that leaves lists out (null) when there is nothing. */
export function normalizeQueue(q: Partial<ModerationQueue> | null | undefined): ModerationQueue {
  return { ideas: q?.ideas ?? [], comments: q?.comments ?? [], reports: q?.reports ?? [] };
}

const auditActions: Record<string, MessageKey> = {
  hide: 'audit.action.hide',
  unhide: 'audit.action.unhide',
  lock_comments: 'audit.action.lock_comments',
  unlock_comments: 'audit.action.unlock_comments',
  tag: 'audit.action.tag',
  review: 'audit.action.review',
  edit: 'audit.action.edit',
  merge: 'audit.action.merge',
  undo_merge: 'audit.action.undo_merge',
  'role:moderator': 'audit.action.roleModerator',
  'role:participant': 'audit.action.roleParticipant',
};

/** Catalogue key of an audit action, or null for actions this version does not know (shown as they are). */
export function auditActionKey(action: string): MessageKey | null {
  return Object.hasOwn(auditActions, action) ? (auditActions[action] ?? null) : null;
}

const auditEntities: Record<string, MessageKey> = {
  idea: 'audit.entity.idea',
  comment: 'audit.entity.comment',
  participant: 'audit.entity.participant',
  conference: 'audit.entity.conference',
  invite: 'audit.entity.invite',
  report: 'audit.entity.report',
};

export function auditEntityKey(entity: string): MessageKey | null {
  return Object.hasOwn(auditEntities, entity) ? (auditEntities[entity] ?? null) : null;
}

/** The page window "from–to of total" (1-based; from is 0 for an empty log). */
export function pageWindow(offset: number, count: number, total: number): { from: number; to: number; total: number } {
  return count === 0 ? { from: 0, to: 0, total } : { from: offset + 1, to: offset + count, total };
}

const ideaPath = (id: number) => `/ideas/${encodeURIComponent(String(id))}`;

export const moderationApi = {
  queue: async (slug: string) =>
    normalizeQueue(await api.request<Partial<ModerationQueue>>('GET', `${conferenceApiPath(slug)}/moderation`)),
  moderateIdea: (id: number, action: IdeaAction, extra: { reason?: string; tags?: string[] } = {}) =>
    api.request<Idea>('POST', `${ideaPath(id)}/moderation`, { action, ...extra }),
  moderateComment: (id: number, action: CommentAction, reason = '') =>
    api.request<Comment>('POST', `/comments/${encodeURIComponent(String(id))}/moderation`, reason ? { action, reason } : { action }),
  report: (entity: ReportEntity, entityId: number, reason: string) =>
    api.request<void>('POST', '/reports', { entity, entityId, reason }),
  versions: async (ideaId: number) =>
    itemsOf(await api.request<IdeaVersion[] | { items: IdeaVersion[] }>('GET', `${ideaPath(ideaId)}/versions`)),
  audit: async (slug: string, offset: number, limit: number) => {
    const page = await api.request<Partial<AuditPage>>('GET', `${conferenceApiPath(slug)}/audit?offset=${offset}&limit=${limit}`);
    return { items: page.items ?? [], total: page.total ?? 0 };
  },
};

/** The CSV download of the whole audit log (a plain link; the session cookie goes along). */
export function auditCsvUrl(slug: string): string {
  return apiUrl(`${conferenceApiPath(slug)}/audit?format=csv`);
}
