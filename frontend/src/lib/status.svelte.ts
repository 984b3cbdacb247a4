/**
 * Status messages for the polite live region (StatusMessage.svelte): "saved",
 * "logged out" and the like. The region is always in the DOM; only its text
 * changes, which is what screen readers announce.
 */

const status = $state({ message: '' });
let pending: ReturnType<typeof setTimeout> | undefined;

export function currentStatus(): string {
  return status.message;
}

/**
 * Shows and announces `message`. The text is cleared first and set a moment
 * later, so the same message twice in a row is still announced twice.
 */
export function announce(message: string): void {
  clearTimeout(pending);
  status.message = '';
  pending = setTimeout(() => {
    status.message = message;
  }, 50);
}

export function clearStatus(): void {
  clearTimeout(pending);
  status.message = '';
}
