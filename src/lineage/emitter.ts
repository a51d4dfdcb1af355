import { AsyncLocalStorage } from 'node:async_hooks';
import { notice } from '../log.js';
import { Redactor } from '../source/redact.js';
import {
  errorMessageFacet,
  newRunId,
  parentFacet,
  runEvent,
  type Dataset,
  type EventType,
  type Facet,
  type OutputDataset,
  type RunEvent,
  type RunRef,
} from './event.js';
import { openTransport, transportConfig, type Transport } from './transport.js';

/** The namespace of the pipeline's jobs, unless OPENLINEAGE_NAMESPACE names another. */
export const DEFAULT_JOB_NAMESPACE = 'game-market-pipeline';

/**
 * Sends events through one transport, each with every secret the environment holds removed.
 * A transport that fails is said once, on stderr, and dropped: lineage never fails or holds up a run.
 */
export class LineageEmitter {
  #transport: Transport | undefined;
  #redactor: Redactor;
  readonly #env: NodeJS.ProcessEnv;
  readonly #secrets: string[] = [];

  readonly namespace: string;

  /** `warn` says, once, that the transport failed: on stderr, as every notice of the CLI. */
  constructor(
    transport: Transport | undefined,
    env: NodeJS.ProcessEnv,
    readonly warn: (message: string, fields: Record<string, unknown>) => void = notice,
  ) {
    this.namespace = env.OPENLINEAGE_NAMESPACE || DEFAULT_JOB_NAMESPACE;
    this.#transport = transport;
    this.#env = env;
    this.#redactor = Redactor.fromEnv(env, [env.OPENLINEAGE_API_KEY]);
  }

  /** Also hides `secret` (an API key given by flag) from every event sent from now on. */
  hide(secret: string | undefined): void {
    if (!this.#transport || !secret || this.#secrets.includes(secret)) return;
    this.#secrets.push(secret);
    this.#redactor = Redactor.fromEnv(this.#env, [this.#env.OPENLINEAGE_API_KEY, ...this.#secrets]);
  }

  get enabled(): boolean {
    return this.#transport !== undefined;
  }

  async emit(event: RunEvent): Promise<void> {
    const transport = this.#transport;
    if (!transport) return;
    try {
      await transport.send(this.#redactor.text(JSON.stringify(event)));
    } catch (error) {
      this.#transport = undefined;
      // fetch says only "fetch failed"; its cause says why (ECONNREFUSED, ENOTFOUND).
      const { cause } = error as { cause?: { code?: string; message?: string } };
      const why = cause?.code ?? cause?.message;
      const reason = this.#redactor.text(
        `${String((error as Error).message ?? error).split('\n')[0]}${why ? `: ${why}` : ''}`,
      );
      this.warn(`lineage: events to ${transport.label} not sent (${reason}): the run goes on without them`, {
        lineage: transport.label,
        error: reason,
      });
    }
  }
}

let shared: LineageEmitter | undefined;

/** The process's emitter, from the OpenLineage settings in its environment. */
export function lineage(): LineageEmitter {
  shared ??= new LineageEmitter(openTransport(transportConfig(process.env)), process.env);
  return shared;
}

const parents = new AsyncLocalStorage<LineageRun>();

/** What a run read and wrote, as its events carry it. */
export interface RunIo {
  inputs?: Dataset[];
  outputs?: OutputDataset[];
  facets?: Record<string, Facet>;
}

/**
 * One run of a job: START when made, then one of COMPLETE, FAIL or ABORT. Its parent is the run
 * it was started under (`withParentRun`), else the one OPENLINEAGE_PARENT_ID names
 * (`namespace/job/runId`, as orchestrators pass it), else none.
 */
export class LineageRun {
  readonly ref: RunRef;
  readonly parent: RunRef | undefined;
  readonly root: RunRef | undefined;
  #ended = false;

  constructor(
    readonly emitter: LineageEmitter,
    jobName: string,
    parent: { ref: RunRef; root?: RunRef } | undefined = parentOf(),
    readonly runId = newRunId(),
  ) {
    this.ref = { runId, job: { namespace: emitter.namespace, name: jobName } };
    this.parent = parent?.ref;
    this.root = parent ? (parent.root ?? parent.ref) : undefined;
  }

  start(io: RunIo = {}, eventTime?: Date): Promise<void> {
    return this.#emit('START', io, eventTime);
  }

  complete(io: RunIo = {}, eventTime?: Date): Promise<void> {
    return this.#end('COMPLETE', io, eventTime);
  }

  fail(error: unknown, io: RunIo = {}, eventTime?: Date): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    return this.#end('FAIL', { ...io, facets: { ...io.facets, errorMessage: errorMessageFacet(message) } }, eventTime);
  }

  abort(io: RunIo = {}): Promise<void> {
    return this.#end('ABORT', io);
  }

  /** FAIL, or ABORT when the run was stopped by a signal. */
  stopped(error: unknown, signal: AbortSignal | undefined, io: RunIo = {}): Promise<void> {
    return signal?.aborted ? this.abort(io) : this.fail(error, io);
  }

  #end(eventType: EventType, io: RunIo, eventTime?: Date): Promise<void> {
    if (this.#ended) return Promise.resolve();
    this.#ended = true;
    return this.#emit(eventType, io, eventTime);
  }

  #emit(eventType: EventType, io: RunIo, eventTime?: Date): Promise<void> {
    const facets = { ...(this.parent ? { parent: parentFacet(this.parent, this.root) } : {}), ...io.facets };
    return this.emitter.emit(
      runEvent({
        eventType,
        runId: this.runId,
        job: this.ref.job,
        inputs: io.inputs,
        outputs: io.outputs,
        runFacets: facets,
        eventTime,
      }),
    );
  }
}

/** Runs `work` with `run` as the parent of every run started inside it. */
export function withParentRun<T>(run: LineageRun, work: () => Promise<T>): Promise<T> {
  return parents.run(run, work);
}

/** The run a new run is started under: the enclosing one in this process, or one named by the environment. */
function parentOf(env = process.env): { ref: RunRef; root?: RunRef } | undefined {
  const enclosing = parents.getStore();
  if (enclosing) return { ref: enclosing.ref, root: enclosing.root };
  const named = parseParentId(env.OPENLINEAGE_PARENT_ID);
  return named && { ref: named, root: parseParentId(env.OPENLINEAGE_ROOT_PARENT_ID) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `namespace/job/runId`, as dbt-ol and the OpenLineage integrations pass a parent run; the job may hold slashes. */
export function parseParentId(value: string | undefined): RunRef | undefined {
  const parts = value?.split('/') ?? [];
  if (parts.length < 3) return undefined;
  const runId = parts.pop()!;
  const [namespace, ...job] = parts;
  return UUID.test(runId) && namespace ? { runId, job: { namespace, name: job.join('/') } } : undefined;
}
