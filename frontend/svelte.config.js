// Svelte compiler options shared by Vite and svelte-check.
// Runes mode everywhere: no legacy reactive statements in this code base.
export default {
  compilerOptions: {
    runes: true,
  },
};
