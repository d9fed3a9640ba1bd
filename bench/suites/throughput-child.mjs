// Runs the in-memory throughput measurement (throughput.mjs's measureByChunk)
// in a process of its own and prints its result as one JSON line. Started by
// throughput.mjs with a steady heap and allocator (STEADY_PROCESS there), sampled
// as STEADY_SAMPLING says.
import { STEADY_SAMPLING, measureByChunk } from './throughput.mjs';

const quick = process.argv.includes('--quick');
console.log(JSON.stringify(await measureByChunk({ quick, sampling: STEADY_SAMPLING })));
