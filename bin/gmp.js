#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4
// How `gmp` starts wherever it runs: the npm bin, the container images and the Fargate tasks all
// run this file. Page buffers come from a pool (src/source/page-buffers.ts); what is still freed
// goes back to the system at once with a fixed mmap threshold, instead of staying in glibc's
// arenas, and a young generation of 4 MB instead of 16 holds fewer pages' parsed objects. dbt,
// started by gmp transform, does not inherit the threshold (src/transform/settings.ts): it costs
// dbt CPU for no memory saved.
import '../dist/cli.js';
