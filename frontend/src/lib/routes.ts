/**
 * The route table: a pure function from a URL path to a route, so it can be
 * unit-tested without a browser. The server answers every non-/api path with
 * index.html, so any path can arrive here, including unknown ones.
 */

export type Route =
  | { name: 'list' }
  | { name: 'login' }
  | { name: 'new' }
  | { name: 'search' }
  | { name: 'myIdeas' }
  | { name: 'conference'; slug: string }
  | { name: 'edit'; slug: string }
  | { name: 'join'; slug: string }
  | { name: 'ideas'; slug: string }
  | { name: 'newIdea'; slug: string }
  | { name: 'moderation'; slug: string }
  | { name: 'audit'; slug: string }
  | { name: 'participants'; slug: string }
  | { name: 'import'; slug: string }
  | { name: 'agenda'; slug: string }
  | { name: 'newSession'; slug: string }
  | { name: 'outcomes'; slug: string }
  | { name: 'register'; slug: string }
  | { name: 'registrations'; slug: string }
  | { name: 'door'; slug: string }
  | { name: 'registration'; token: string }
  | { name: 'idea'; id: number }
  | { name: 'editIdea'; id: number }
  | { name: 'session'; id: number }
  | { name: 'editSession'; id: number }
  | { name: 'round'; id: number }
  | { name: 'present'; id: number }
  | { name: 'notFound' };

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

type SlugRouteName = Extract<Route, { slug: string }>['name'];

/** The pages below a conference, by the path after its slug. */
const conferencePages: Record<string, SlugRouteName> = {
  '': 'conference',
  '/edit': 'edit',
  '/join': 'join',
  '/ideas': 'ideas',
  '/ideas/new': 'newIdea',
  '/moderation': 'moderation',
  '/audit': 'audit',
  '/participants': 'participants',
  '/import': 'import',
  '/sessions': 'agenda',
  '/sessions/new': 'newSession',
  '/outcomes': 'outcomes',
  '/anmelden': 'register',
  '/anmeldungen': 'registrations',
  '/einlass': 'door',
};

type IdRouteName = Extract<Route, { id: number }>['name'];

/** An id: a positive integer without leading zeros. */
const ID = '([1-9]\\d{0,15})';

/** Pages of one numbered thing (idea, session, vote), by path pattern. */
const idPages: Array<[RegExp, IdRouteName]> = [
  [new RegExp(`^/ideas/${ID}$`), 'idea'],
  [new RegExp(`^/ideas/${ID}/edit$`), 'editIdea'],
  [new RegExp(`^/sessions/${ID}$`), 'session'],
  [new RegExp(`^/sessions/${ID}/edit$`), 'editSession'],
  [new RegExp(`^/rounds/${ID}$`), 'round'],
  [new RegExp(`^/present/sessions/${ID}$`), 'present'],
];

export function matchRoute(pathname: string): Route {
  // Tolerate one trailing slash ("/login/") but not empty segments elsewhere.
  const path = pathname.length > 1 ? pathname.replace(/\/$/, '') : pathname;
  if (path === '/' || path === '') return { name: 'list' };
  if (path === '/login') return { name: 'login' };
  if (path === '/conferences/new') return { name: 'new' };
  if (path === '/search') return { name: 'search' };
  if (path === '/my-ideas') return { name: 'myIdeas' };
  // "/c/…" is the app's own prefix; "/conferences/…" (as in the API, and in the
  // invite links the server writes) leads to the same pages.
  const m = /^\/(?:c|conferences)\/([^/]+)(\/[a-z/]+)?$/.exec(path);
  if (m?.[1]) {
    const slug = decode(m[1]);
    if (slug) {
      const name = conferencePages[m[2] ?? ''];
      if (name) return { name, slug };
    }
  }
  // A registration's personal page: the link's token (base64url) is the key.
  const r = /^\/r\/([A-Za-z0-9_-]{1,100})$/.exec(path);
  if (r?.[1]) return { name: 'registration', token: r[1] };
  // Ids are positive integers without leading zeros.
  for (const [pattern, name] of idPages) {
    const m = pattern.exec(path);
    const id = Number(m?.[1]);
    if (m && Number.isSafeInteger(id)) return { name, id };
  }
  return { name: 'notFound' };
}

/**
 * A safe post-login destination: only same-site absolute paths ("/c/x"),
 * never "//host" or "https://…", which would make the login page an open redirect.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  return next;
}
