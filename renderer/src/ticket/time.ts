// ticket/sla.ts (replaced by a shared module) still imports its duration format from here.
export { formatDuration } from '../components/format.ts';
