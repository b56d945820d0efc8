// `npm run bench`: the whole system under place-order load beside a minimal reference saga
// (bench/system-bench.mjs), or one participant's messaging path (`npm run bench -- participant`).
// Two runs' results compare with `npm run bench:compare -- <earlier.json> <later.json>`.
// `npm run bench -- --help` lists the options.
import { readFileSync } from 'node:fs';
import { parseOptions, USAGE } from '../bench/options.mjs';
import { runParticipantBench } from '../bench/participant-bench.mjs';
import { compareRuns, renderComparison } from '../bench/run-comparison.mjs';
import { runSystemBench } from '../bench/system-bench.mjs';

const resultsIn = (file) => JSON.parse(readFileSync(file, 'utf8'));

let options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
try {
  if (options.help) console.log(USAGE);
  else if (options.mode === 'participant') await runParticipantBench(options);
  else if (options.mode === 'compare') {
    const [earlier, later] = options.files.map(resultsIn);
    console.log(renderComparison(compareRuns(earlier, later)));
  } else await runSystemBench(options);
} catch (error) {
  console.error(`bench: ${error.stack ?? error}`);
  process.exitCode = 1;
}
