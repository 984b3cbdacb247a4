/** Shapes of the API's JSON documents and the phase vocabulary. */

import type { MessageKey } from './i18n';

export const phases = ['draft', 'ideas', 'live', 'closed', 'archived'] as const;
export type Phase = (typeof phases)[number];

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
