// Runs before the first paint (loaded synchronously from <head>), so the page
// never flashes in the wrong theme or language. It must stay an external file:
// the Content-Security-Policy allows no inline scripts. Keep the storage keys in
// sync with src/lib/theme.svelte.ts and src/lib/locale.svelte.ts.
(function () {
  var root = document.documentElement;
  var theme = null;
  var lang = null;
  try {
    theme = window.localStorage.getItem('ideenmarkt.theme');
    lang = window.localStorage.getItem('ideenmarkt.lang');
  } catch (e) {
    // Storage can be disabled; fall back to the defaults below.
  }
  if (theme !== 'light' && theme !== 'dark') {
    theme = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
  root.setAttribute('data-theme', theme);
  root.style.colorScheme = theme;
  if (lang === 'de' || lang === 'en') {
    root.setAttribute('lang', lang);
  }
})();
