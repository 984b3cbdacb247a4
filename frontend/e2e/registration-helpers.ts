/** Steps shared by the registration and door tests: conferences with registration, walk-ins, registrations. */
import { expect, type APIRequestContext } from '@playwright/test';
import { BASE_URL } from './constants';
import { apiWrite, uniqueSlug } from './helpers';

export interface RegConference {
  id: number;
  slug: string;
  title: string;
  joinCode: string;
}

export interface ApiRegistration {
  id: number;
  name: string;
  email: string;
  status: string;
  ticketCode: string;
  checkedInAt?: string;
  checkInDoor?: string;
}

export interface ApiCheckIn {
  registration: ApiRegistration;
  alreadyCheckedIn: boolean;
  headcount: number;
  venueLimit: number;
  link?: string;
}

/**
 * A conference in the ideas phase with `capacity` places (the organiser's
 * `api`), its registration opened unless `open` is false.
 */
export async function registrationConference(
  api: APIRequestContext,
  options: {
    title?: string;
    capacity?: number;
    departments?: string[];
    open?: boolean;
    venueLimit?: number;
    noShowRate?: number;
    phase?: 'ideas' | 'draft';
  } = {},
): Promise<RegConference> {
  const slug = uniqueSlug('anmeldung');
  const c = (await apiWrite(api, 'POST', '/api/v1/conferences', {
    slug,
    title: options.title ?? 'Personalversammlung 2026',
    description: 'Mit Anmeldung und Einlass.',
    startsAt: '2026-09-10T09:00:00+02:00',
    endsAt: '2026-09-10T17:00:00+02:00',
    venue: 'Stadthalle',
    capacity: options.capacity ?? 450,
    departments: options.departments ?? [],
  })) as RegConference;
  if ((options.phase ?? 'ideas') === 'ideas') {
    await apiWrite(api, 'POST', `/api/v1/conferences/${slug}/phase`, { phase: 'ideas' });
  }
  if (options.open !== false) {
    await apiSettings(api, slug, {
      open: true,
      venueLimit: options.venueLimit ?? options.capacity ?? 450,
      noShowRate: options.noShowRate ?? 0,
    });
  }
  return c;
}

export interface ApiSettings {
  open: boolean;
  venueLimit: number;
  noShowRate: number;
  offerHours: number;
  requireCheckIn: boolean;
  retentionDays: number;
}

/** Changes registration settings (organiser `api`): reads the current ones and saves them with `patch`. */
export async function apiSettings(api: APIRequestContext, slug: string, patch: Partial<ApiSettings>): Promise<void> {
  const s = (await (await api.get(`/api/v1/conferences/${slug}/registration-settings`)).json()) as ApiSettings & {
    version: number;
  };
  await apiWrite(api, 'PUT', `/api/v1/conferences/${slug}/registration-settings`, {
    open: s.open,
    venueLimit: s.venueLimit,
    noShowRate: s.noShowRate,
    offerHours: s.offerHours,
    requireCheckIn: s.requireCheckIn,
    retentionDays: s.retentionDays,
    ...patch,
    version: s.version,
  });
}

/** A walk-in at the door (organiser or moderator `api`): registered, confirmed and checked in. */
export async function apiWalkIn(
  api: APIRequestContext,
  slug: string,
  name: string,
  extra: { door?: string; email?: string; department?: string; accessibility?: string } = {},
): Promise<ApiCheckIn> {
  return (await apiWrite(api, 'POST', `/api/v1/conferences/${slug}/walk-ins`, {
    name,
    email: extra.email ?? '',
    department: extra.department ?? '',
    accessibility: extra.accessibility ?? '',
    locale: 'de',
    requestKey: `walkin-${name}-${Date.now()}-${Math.random()}`,
    door: extra.door ?? 'Nord',
  })) as ApiCheckIn;
}

/** Registers through the public form's endpoint (any `request`); the answer is always "check your inbox". */
export async function apiRegister(request: APIRequestContext, slug: string, name: string, email: string): Promise<void> {
  const res = (await apiWrite(request, 'POST', `/api/v1/conferences/${slug}/registrations`, {
    name,
    email,
    department: '',
    accessibility: '',
    locale: 'de',
    requestKey: `reg-${email}-${Date.now()}`,
  })) as { status: string };
  expect(res.status).toBe('check_inbox');
}

/** The registration with `q` in its name or address, as organisers see it (with its ticket code). */
export async function findRegistration(api: APIRequestContext, slug: string, q: string): Promise<ApiRegistration> {
  const res = await api.get(`/api/v1/conferences/${slug}/registrations?q=${encodeURIComponent(q)}`);
  expect(res.ok()).toBeTruthy();
  const page = (await res.json()) as { items: ApiRegistration[] };
  expect(page.items, `registrations matching ${q}`).toHaveLength(1);
  return page.items[0]!;
}

export async function apiCancelFor(api: APIRequestContext, slug: string, id: number): Promise<ApiRegistration> {
  return (await apiWrite(api, 'POST', `/api/v1/conferences/${slug}/registrations/${id}/cancel`)) as ApiRegistration;
}

/** The personal page's path from a walk-in's link (relative, or absolute on the test server). */
export function personalPathOf(link: string | undefined): string {
  expect(link, 'the walk-in link').toBeTruthy();
  const path = link!.startsWith(BASE_URL) ? link!.slice(BASE_URL.length) : link!.replace(/^https?:\/\/[^/]+/, '');
  expect(path).toMatch(/^\/r\/[A-Za-z0-9_-]+$/);
  return path;
}
