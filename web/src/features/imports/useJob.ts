import { useEffect, useState } from 'react';
import { errorMessage } from '../../app/api.js';
import { importApi, type JobItem } from './api.js';

const pollMs = 1000;

/** Polls a job every second until it is done or failed; `null` id means no job yet. */
export function useJob(jobId: number | null): { job: JobItem | null; pollError: string | null } {
  const [job, setJob] = useState<JobItem | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);

  useEffect(() => {
    setJob(null);
    setPollError(null);
    if (jobId === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const next = await importApi.job(jobId);
        if (stopped) return;
        setJob(next);
        setPollError(null);
        if (next.status === 'done' || next.status === 'failed') return;
      } catch (error) {
        if (stopped) return;
        // A blip in the network should not end the wait: keep polling, say so meanwhile.
        setPollError(errorMessage(error));
      }
      timer = setTimeout(() => void tick(), pollMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [jobId]);

  return { job, pollError };
}
