import { useEffect } from 'preact/hooks';
import type { ZafClient } from './zaf';

/** Keeps the host's iframe as tall as the content, asking only when the height changes. */
export function useAutoResize(client: ZafClient): void {
  useEffect(() => {
    let asked = 0;
    const observer = new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.scrollHeight);
      if (height === asked) return;
      asked = height;
      void client.invoke('resize', { width: '100%', height: `${height}px` });
    });
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [client]);
}
