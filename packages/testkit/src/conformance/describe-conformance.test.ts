import { describeConformance } from './describe-conformance.js';
import fileStore from './fixtures/targets.js';

// describeConformance is how a vendor's repository runs the suite: one mocha `it` per rule.
describeConformance('describeConformance: the file-store fixture plugin', fileStore, { latencyRuns: 3 });

// The target may be given as a function, called when the suite runs (after mocha loaded every file).
describeConformance('describeConformance: a target given as a function', () => ({ ...fileStore, name: 'file-store (late)' }), { latencyRuns: 0 });
