// Runs the USB 2.0 scale measurement (scale.mjs's measureAtUsb2) in a process
// of its own and prints its result as one JSON line. Started by scale.mjs,
// once with Node's defaults and once with the small young generation the
// README suggests for many-device apps: the heap that earlier suites left
// behind would otherwise shape the figure (the same runs after other work
// in one process moved by ±0.2).
import { measureAtUsb2 } from './scale.mjs';

const quick = process.argv.includes('--quick');
console.log(JSON.stringify(await measureAtUsb2(quick)));
