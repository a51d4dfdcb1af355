#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4
// How `gmp` starts wherever it runs: the npm bin, the container images and the Fargate tasks all
// run this file. Measured at 10,000 pages, an ingest's memory is mostly native heap, not V8's:
// glibc raises its mmap threshold after the first page buffer is freed and then keeps the freed
// page buffers in fragmented arenas. A fixed threshold returns each one to the system; a young
// generation of 4 MB instead of 16 holds fewer pages' parsed objects. Both are safe for every command.
import '../dist/cli.js';
