'use client';
// Puts the presentation view on the whole screen (the browser asks for a click first).
import styles from '~/components/ui.module.css';

export function FullScreenButton() {
  return (
    <button type="button" className={styles.button} onClick={() => void document.documentElement.requestFullscreen().catch(() => {})}>
      Full screen
    </button>
  );
}
