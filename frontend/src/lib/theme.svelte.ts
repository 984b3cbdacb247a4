/**
 * Light/dark theme. Without a manual choice the theme follows
 * prefers-color-scheme (also when it changes while the page is open); the
 * toggle stores an explicit choice in localStorage. The theme is applied as
 * <html data-theme>, which app.css keys its colour variables on.
 */

export type Theme = 'light' | 'dark';

/** Also read by public/theme-init.js before the first paint. */
export const THEME_STORAGE_KEY = 'ideenmarkt.theme';

const media = window.matchMedia('(prefers-color-scheme: dark)');

function storedTheme(): Theme | null {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

const state = $state({ chosen: storedTheme(), systemDark: media.matches });

function effective(): Theme {
  return state.chosen ?? (state.systemDark ? 'dark' : 'light');
}

function apply(): void {
  const theme = effective();
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

media.addEventListener('change', (event) => {
  state.systemDark = event.matches;
  apply();
});
apply();

export const theme = {
  get current(): Theme {
    return effective();
  },
};

export function toggleTheme(): void {
  state.chosen = effective() === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(THEME_STORAGE_KEY, state.chosen);
  } catch {
    // Storage may be disabled; the choice then lasts for this page load only.
  }
  apply();
}
