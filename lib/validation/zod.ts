import { z } from 'zod';

// Every schema imports zod from here. In the browser zod probes `new Function` once to choose its
// JIT; Parley's CSP has no 'unsafe-eval', so the probe throws (caught) yet is still reported as a
// policy violation. jitless skips the probe there; the server keeps the faster JIT.
if (typeof window !== 'undefined') z.config({ jitless: true });

export { z };
