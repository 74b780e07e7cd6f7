// Loads again every `intervalMs` while `active`, at most `maxPolls` times in a
// row; `value` is what was loaded (each new value schedules the next look).
import { useEffect, useRef } from 'react';

export function usePolling(active: boolean, value: unknown, reload: () => void, intervalMs: number, maxPolls: number): void {
  const polls = useRef(0);
  useEffect(() => {
    if (!active) {
      polls.current = 0;
      return undefined;
    }
    if (polls.current >= maxPolls) {
      return undefined;
    }
    const timer = setTimeout(() => {
      polls.current += 1;
      reload();
    }, intervalMs);
    return () => clearTimeout(timer);
  }, [active, value, reload, intervalMs, maxPolls]);
}
