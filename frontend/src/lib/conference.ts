/** Shapes of the API's JSON documents and the phase vocabulary. */

import type { MessageKey } from './i18n';

export const phases = ['draft', 'ideas', 'live', 'closed', 'archived'] as const;
export type Phase = (typeof phases)[number];

export const anonymityPolicies = ['never', 'allowed', 'always'] as const;
/** Whether ideas may ("allowed"), must ("always") or must not ("never") be posted without a name. */
export type Anonymity = (typeof anonymityPolicies)[number];

export interface Account {
  id: string | number;
  email: string;
  name: string;
  role: 'organizer' | string;
}

export interface Conference {
  id: string | number;
  slug: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  venue: string;
  capacity: number;
  phase: Phase;
  /** Only present for organisers. */
  joinCode?: string;
  /** The idea market's topics; ideas must pick one when the list is not empty. */
  topics: string[];
  /** The administration's departments, for participants and ideas. */
  departments: string[];
  anonymity: Anonymity;
  /** Ideas are still accepted in the live phase. */
  lateIdeas: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Phases this conference may move to next; only present for organisers. */
  nextPhases?: Phase[];
}

export interface ConferencePage {
  items: Conference[];
  total: number;
}

/** Body of POST /api/v1/conferences. Empty optional values are left out. */
export interface ConferenceCreate {
  slug: string;
  title: string;
  description: string;
  startsAt?: string;
  endsAt?: string;
  venue: string;
  capacity?: number;
  topics: string[];
  departments: string[];
  anonymity: Anonymity;
  lateIdeas: boolean;
}

/** Body of PATCH /api/v1/conferences/{slug}: only changed fields plus the loaded version. */
export type ConferencePatch = Partial<Omit<ConferenceCreate, 'slug'>> & { version: number };

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (phases as readonly string[]).includes(value);
}

/** Catalogue key for the localized name of a phase. */
export function phaseKey(phase: Phase): MessageKey {
  return `phase.${phase}`;
}

export function isOrganizer(account: Account | null | undefined): boolean {
  return account?.role === 'organizer';
}

/** Path of a conference page; the slug is URL-encoded defensively. */
export function conferencePath(slug: string): string {
  return `/c/${encodeURIComponent(slug)}`;
}

export function conferenceEditPath(slug: string): string {
  return `${conferencePath(slug)}/edit`;
}

/** Path of a conference's idea market. */
export function ideasPath(slug: string): string {
  return `${conferencePath(slug)}/ideas`;
}

export function newIdeaPath(slug: string): string {
  return `${ideasPath(slug)}/new`;
}

/** Path of the join form; `code` prefills the join code (links and QR codes). */
export function joinPath(slug: string, code?: string): string {
  const base = `${conferencePath(slug)}/join`;
  return code ? `${base}?code=${encodeURIComponent(code)}` : base;
}

/** Whether participants may join in this phase (the server refuses draft and archived). */
export function canJoin(c: Pick<Conference, 'phase'>): boolean {
  return c.phase !== 'draft' && c.phase !== 'archived';
}

/** Whether new ideas are accepted: in the ideas phase, and live when late ideas are allowed. */
export function acceptsIdeas(c: Pick<Conference, 'phase' | 'lateIdeas'>): boolean {
  return c.phase === 'ideas' || (c.phase === 'live' && c.lateIdeas);
}

/** The organiser and moderator pages of a conference. */
export function moderationPath(slug: string): string {
  return `${conferencePath(slug)}/moderation`;
}

export function auditPath(slug: string): string {
  return `${conferencePath(slug)}/audit`;
}

export function participantsPath(slug: string): string {
  return `${conferencePath(slug)}/participants`;
}

export function importPath(slug: string): string {
  return `${conferencePath(slug)}/import`;
}
