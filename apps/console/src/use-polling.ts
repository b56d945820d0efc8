import { useEffect, useRef } from 'preact/hooks';

/**
 * Runs `task` now and every `intervalMs` while the view is shown, one run at a time; `deps` name
 * what restarts it.
 */
export function usePolling(task: () => Promise<void>, intervalMs: number, deps: unknown[]): void {
  const latest = useRef(task);
  latest.current = task;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        await latest.current();
      } catch {
        // The task shows its own errors; polling goes on.
      }
      if (!stopped) timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
}
