/**
 * A RAWG-compatible HTTP server over the synthetic catalogue, for offline runs, tests and
 * benchmarks. API routes live under /sandbox/api/ (the base URL it hands out: the path marks
 * the data as synthetic) and also /api/; they behave like the real API (paging, errors, key and
 * quota checks), with optional injected faults. Routes under /__ (stats, control) let tests and
 * other processes watch and steer it; they are never counted, limited or faulted:
 *   GET /__stats, POST /__stats/reset, GET /__control, POST /__control (JSON body: a control patch).
 * Like RAWG, it serves only the first `maxResults` results of a listing (default 10,000): deeper
 * pages are 404 "Invalid page." while `count` and `next` still tell the whole listing. Links name
 * the public host https://api.rawg.io whatever address the sandbox listens on.
 * `/games` honours `updated=A,B`, `dates=A,B[.C,D...]`, `publishers=ID` and `developers=ID` (see
 * game-filters.ts, and filtered-games.ts for the order of a filtered listing); other filters and
 * `ordering` are accepted, ignored, and carried into `next`/`previous` like every other parameter.
 * `/games/{id or slug}` is a game's detail with its publishers and developers (game-detail.ts,
 * companies.ts); a game not served (unknown, deleted) is 404 "Not found.".
 * The catalogue can be alive (living.ts): games edited, deleted and added while it is served, at
 * rates per page answered; GET /__stats then says what changed, GET /__served what it serves now.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { DEFAULT_SANDBOX_GAMES } from '../config/defaults.js';
import { ConfigError, GmpError } from '../errors.js';
import { Catalogue, itemCount, MAX_GAMES, positionOfId } from './catalogue.js';
import { Companies } from './companies.js';
import { gameDetail } from './game-detail.js';
import { positionOfSlug } from './names.js';
import { todayUtc } from '../dates.js';
import { dayFromIso, yearOfDay } from './dates.js';
import {
  controlSchema,
  defaultFaults,
  drawFaults,
  faultResponse,
  faultsSchema,
  type SandboxControl,
  type SandboxFaults,
} from './faults.js';
import { gamesPageExtras } from './games-envelope.js';
import { createListEndpoints, type ListEndpoint } from './lists.js';
import { FilteredGames } from './filtered-games.js';
import { SANDBOX_API_PATH, SANDBOX_PREFIX } from '../lake/origin.js';
import { parseGamesFilter, parseRange, type DayRange } from './game-filters.js';
import { DEFAULT_MAX_RESULTS, pageLinks, pageWindow } from './paging.js';
import { StatsCounter, type SandboxStats } from './stats.js';
import { defaultLiving, LivingCatalogue, livingSchema, type LivingSettings, type ServedGame } from './living.js';
import { defaultItemShape, itemShapeSchema, reshapeItems, type ItemShape } from './item-shape.js';

export type { SandboxFaults } from './faults.js';
export type { SandboxStats } from './stats.js';
export type { CatalogueChanges, LivingSettings, ServedGame } from './living.js';
export type { ItemShape } from './item-shape.js';

export interface SandboxOptions extends Partial<SandboxFaults>, Partial<LivingSettings>, Partial<ItemShape> {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Catalogue size; default DEFAULT_SANDBOX_GAMES. */
  games?: number;
  /** Default 1. */
  seed?: number;
  /** YYYY-MM-DD the catalogue is "as of"; default: the current UTC date. */
  today?: string;
  /** After this many API requests every request gets 401 "monthly API limit"; default unlimited. */
  quota?: number;
  /** If given, only these keys are valid; default: any non-empty key. */
  keys?: string[];
  /** Pages reaching past this many results of a listing are "Invalid page."; default 10,000. */
  maxResults?: number;
}

export interface Sandbox {
  /** Base URL, e.g. http://127.0.0.1:41234/sandbox/api */
  url: string;
  stats(): SandboxStats;
  resetStats(): void;
  /**
   * Every game it serves now (unfiltered `/games` order), with its `updated`: the truth to compare
   * a lake or a warehouse with. With `updated` (YYYY-MM-DD,YYYY-MM-DD): that listing's games.
   */
  served(updated?: string): ServedGame[];
  /**
   * Change faults, the catalogue size (growth appends at the end, shrink drops the tail) or the
   * quota at run time. A quota given here allows that many more requests from now; null lifts it.
   */
  control(
    patch: Partial<SandboxFaults> &
      Partial<LivingSettings> &
      Partial<ItemShape> & { games?: number; quota?: number | null },
  ): void;
  close(): Promise<void>;
}

const optionsSchema = faultsSchema
  .partial()
  .extend(livingSchema.partial().shape)
  .extend(itemShapeSchema.partial().shape)
  .extend({
    host: z.string().min(1).optional(),
    port: z.int().min(0).max(65_535).optional(),
    games: z.int().min(0).max(MAX_GAMES).optional(),
    seed: z.int().min(0).max(0xffff_ffff).optional(),
    today: z
      .string()
      .refine((text) => dayFromIso(text) !== undefined, 'must be a date YYYY-MM-DD')
      .optional(),
    quota: z.int().min(0).optional(),
    keys: z.array(z.string().min(1)).min(1).optional(),
    maxResults: z.int().min(1).optional(),
  });

/** "games: Too small: expected number to be >=0", or the message alone for the whole object. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.join('.');
  return field ? `${field}: ${issue.message}` : issue.message;
}

interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
  headers?: Record<string, string>;
}

const json = (status: number, value: unknown, headers?: Record<string, string>): Reply => ({
  status,
  contentType: 'application/json',
  body: Buffer.from(JSON.stringify(value)),
  headers,
});

const NOT_FOUND = { detail: 'Not found.' };
const INVALID_PAGE = { detail: 'Invalid page.' };
const CONTROL_BODY_LIMIT = 64 * 1024;

/**
 * Starts the sandbox API on a free loopback port. Long on purpose: one closure over the server's
 * state (catalogue, faults, quota, stats), whose inner functions are its request handlers, each
 * short; pulled apart, they would only pass that state around.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new ConfigError(`bad sandbox option: ${firstIssue(parsed.error)}`);
  const settings = parsed.data;

  const catalogue = new Catalogue(settings.seed ?? 1, settings.today ?? todayUtc());
  const todayYear = yearOfDay(catalogue.today);
  const companies = new Companies(catalogue);
  const lists = new Map<string, ListEndpoint>(
    createListEndpoints(catalogue, companies).map((endpoint) => [endpoint.path, endpoint]),
  );
  const filteredGames = new FilteredGames(catalogue, companies);
  const maxResults = settings.maxResults ?? DEFAULT_MAX_RESULTS;
  const validKeys = settings.keys ? new Set(settings.keys) : undefined;
  const stats = new StatsCounter();
  const living = new LivingCatalogue(catalogue, settings.seed ?? 1, companies);
  const state = {
    games: settings.games ?? DEFAULT_SANDBOX_GAMES,
    faults: { ...defaultFaults, ...pickFaults(settings) } as SandboxFaults,
    living: { ...defaultLiving, ...pickLiving(settings) } as LivingSettings,
    shape: { ...defaultItemShape, ...pickShape(settings) } as ItemShape,
    quota: settings.quota ?? null,
    quotaUsed: 0,
  };
  const pendingReplies = new Set<NodeJS.Timeout>();

  function applyControl(patch: SandboxControl): void {
    const { games, quota, addFields, dropFields, retypeFields, ...faults } = patch;
    state.shape = { ...state.shape, ...pickShape({ addFields, dropFields, retypeFields }) };
    if (games !== undefined) state.games = games;
    if (quota !== undefined) {
      state.quota = quota;
      state.quotaUsed = 0;
    }
    state.faults = { ...state.faults, ...pickFaults(faults) };
    state.living = { ...state.living, ...pickLiving(faults) };
  }

  function controlState() {
    return {
      games: state.games,
      quota: state.quota,
      quotaUsed: state.quotaUsed,
      ...state.faults,
      ...state.living,
      ...state.shape,
    };
  }

  /** The served truth: the whole catalogue, or the games of an `updated` range (as honoured). */
  function served(updated: DayRange | undefined): ServedGame[] {
    if (!updated) return living.served(state.games);
    const filter = { updated };
    return living.served(state.games, living.filtered(filteredGames.select(filter, state.games), filter, state.games));
  }

  /** The counts, and what changed once the catalogue has started to change. */
  function statsNow(): SandboxStats {
    return { ...stats.snapshot(), ...(living.still ? {} : { changes: living.changes() }) };
  }

  function serveGames(url: URL): Reply {
    const params = url.searchParams;
    const parsed = parseGamesFilter(params);
    if ('error' in parsed) return json(400, { error: parsed.error });
    let { filter } = parsed;
    // An API that no longer honours `updated`: every window empty, or every window everything.
    if (filter?.updated && state.living.updatedFilter === 'ignored')
      filter = filter.dates ? { dates: filter.dates } : undefined;
    const empty = filter?.updated !== undefined && state.living.updatedFilter === 'empty';
    const base = filter && !empty ? filteredGames.select(filter, state.games) : undefined;
    const selection = empty
      ? { count: 0, slice: () => [] }
      : living.still
        ? base
        : base
          ? living.filtered(base, filter!, state.games)
          : living.unfiltered(state.games);
    const count = selection ? selection.count : state.games;
    const page = pageWindow(params, count, 20, maxResults);
    if (!page) return json(404, INVALID_PAGE);
    const game = (position: number) => (filter ? living.filteredGame(position) : living.game(position));
    const results = selection
      ? selection.slice(page.start, page.end).map(game)
      : Array.from({ length: page.end - page.start }, (_, i) => catalogue.game(page.start + i));
    const reply = json(200, {
      count,
      ...pageLinks(url.pathname, params, page),
      results: reshapeItems(results, 'games', state.shape),
      ...gamesPageExtras(state.games, todayYear, filter !== undefined),
    });
    // The catalogue moves on between answers, as the real one does while it is read.
    living.tick(state.living, state.games);
    return reply;
  }

  /** `/games/{id or slug}`: the game's detail as served now; a game not served (unknown, deleted) is 404. */
  function serveDetail(idOrSlug: string): Reply {
    const position = /^\d+$/.test(idOrSlug) ? positionOfId(Number(idOrSlug)) : positionOfSlug(catalogue.seed, idOrSlug);
    const known =
      position !== undefined && position >= 0 && position < MAX_GAMES && living.isLive(position, state.games);
    if (!known || (/^\d+$/.test(idOrSlug) && catalogue.gameId(position) !== Number(idOrSlug)))
      return json(404, NOT_FOUND);
    const reply = json(
      200,
      gameDetail(catalogue.seed, living.game(position), position, {
        publishers: companies.of('publishers', state.games),
        developers: companies.of('developers', state.games),
      }),
    );
    living.tick(state.living, state.games);
    return reply;
  }

  function serveList(endpoint: ListEndpoint, url: URL): Reply {
    const count = itemCount(endpoint.path, state.games);
    const page = pageWindow(url.searchParams, count, endpoint.defaultPageSize, maxResults);
    if (!page) return json(404, INVALID_PAGE);
    const results = endpoint.items(page.start, page.end, state.games);
    const reply = json(200, {
      count,
      ...pageLinks(url.pathname, url.searchParams, page),
      results: reshapeItems(results, endpoint.name, state.shape),
    });
    living.tick(state.living, state.games);
    return reply;
  }

  /** The answer to an API request. Checks run in this order: quota, key, method, injected 429/5xx, route. */
  function answerApi(
    req: IncomingMessage,
    url: URL,
    route: string,
    failWith: ReturnType<typeof drawFaults>['failWith'],
  ): Reply {
    state.quotaUsed++;
    if (state.quota !== null && state.quotaUsed > state.quota)
      return json(401, { error: 'The monthly API limit reached' });
    const key = url.searchParams.get('key');
    if (!key) return json(401, { error: 'The key parameter is not provided' });
    if (validKeys && !validKeys.has(key)) return json(401, { error: 'The API key is not found' });
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return json(405, { detail: `Method "${req.method}" not allowed.` });
    if (failWith === 429) {
      const { contentType, body } = faultResponse(429);
      return {
        status: 429,
        contentType,
        body: Buffer.from(body),
        headers: { 'Retry-After': String(state.faults.retryAfterSeconds) },
      };
    }
    if (failWith !== undefined) {
      const { contentType, body } = faultResponse(failWith);
      return { status: failWith, contentType, body: Buffer.from(body) };
    }
    if (route === 'games') return serveGames(url);
    const detail = /^games\/([a-z0-9-]+)$/.exec(route);
    if (detail) return serveDetail(detail[1]!);
    const endpoint = lists.get(route);
    return endpoint ? serveList(endpoint, url) : json(404, NOT_FOUND);
  }

  function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const route = apiRoute(url.pathname);
    const endpointName =
      route === 'games'
        ? 'games'
        : route?.startsWith('games/')
          ? 'game_details'
          : (route !== undefined && lists.get(route)?.name) || 'unknown';
    stats.started(endpointName, url);
    let timer: NodeJS.Timeout | undefined;
    res.once('close', () => {
      stats.ended();
      if (timer) {
        clearTimeout(timer);
        pendingReplies.delete(timer);
      }
    });
    const draw = drawFaults(state.faults);
    let reply = answerApi(req, url, route ?? '', draw.failWith);
    if (reply.status === 200 && draw.truncate) {
      // A valid status and a Content-Length that matches: only the JSON itself is broken.
      reply = { ...reply, body: reply.body.subarray(0, Math.floor(reply.body.length / 2)) };
      stats.inject('truncated');
    }
    if (draw.delayMs > state.faults.latencyMs) stats.inject('latencySpike');
    stats.answered(reply.status);
    if (draw.delayMs <= 0) return send(res, reply, req.method === 'HEAD');
    timer = setTimeout(() => {
      pendingReplies.delete(timer!);
      timer = undefined;
      send(res, reply, req.method === 'HEAD');
    }, draw.delayMs);
    pendingReplies.add(timer);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/__stats' && req.method === 'GET') return send(res, json(200, statsNow()));
    if (path === '/__served' && req.method === 'GET') {
      const updated = url.searchParams.get('updated') ?? undefined;
      const range = updated === undefined ? undefined : parseRange(updated);
      if (updated !== undefined && !range)
        return send(res, json(400, { error: 'updated must be two dates: YYYY-MM-DD,YYYY-MM-DD' }));
      return send(res, json(200, served(range)));
    }
    if (path === '/__stats/reset' && req.method === 'POST') {
      stats.reset();
      return send(res, { status: 204, contentType: 'application/json', body: Buffer.alloc(0) });
    }
    if (path === '/__control' && req.method === 'GET') return send(res, json(200, controlState()));
    if (path === '/__control' && req.method === 'POST') {
      const text = await readBody(req, CONTROL_BODY_LIMIT);
      if (text === undefined) return send(res, json(413, { error: 'control body is larger than 64 KiB' }));
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return send(res, json(400, { error: 'control body is not valid JSON' }));
      }
      const patch = controlSchema.safeParse(body);
      if (!patch.success) return send(res, json(400, { error: firstIssue(patch.error) }));
      applyControl(patch.data);
      return send(res, json(200, controlState()));
    }
    return send(res, json(404, NOT_FOUND));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    // The base URL it hands out adds a prefix; routes, and links (which name /api/ like RAWG's), go without.
    if (url.pathname.startsWith(`${SANDBOX_PREFIX}/`)) url.pathname = url.pathname.slice(SANDBOX_PREFIX.length);
    if (url.pathname.startsWith('/__')) {
      handleAdmin(req, res, url).catch(() => send(res, json(500, { error: 'control request failed' })));
      return;
    }
    try {
      handleApi(req, res, url);
    } catch (error) {
      // A bug here must fail one request, not the process that hosts the sandbox.
      send(res, json(500, { error: `sandbox failed: ${(error as Error).message}` }));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(
        new GmpError(
          `sandbox cannot listen on ${settings.host ?? '127.0.0.1'}:${settings.port ?? 0}: ${error.message}`,
        ),
      ),
    );
    server.listen(settings.port ?? 0, settings.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${SANDBOX_API_PATH}`,
    stats: statsNow,
    resetStats: () => stats.reset(),
    served(updated) {
      const range = updated === undefined ? undefined : parseRange(updated);
      if (updated !== undefined && !range)
        throw new ConfigError('served: updated must be two dates: YYYY-MM-DD,YYYY-MM-DD');
      return served(range);
    },
    control(patch) {
      const checked = controlSchema.safeParse(patch);
      if (!checked.success) throw new ConfigError(`bad sandbox control: ${firstIssue(checked.error)}`);
      applyControl(checked.data);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of pendingReplies) clearTimeout(timer);
        pendingReplies.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** "/api/games/" -> "games", "/api/platforms/lists/parents" -> "platforms/lists/parents". */
function apiRoute(pathname: string): string | undefined {
  if (!pathname.startsWith('/api/')) return undefined;
  return pathname.slice('/api/'.length).replace(/\/$/, '');
}

function pickFaults(source: Partial<SandboxFaults>): Partial<SandboxFaults> {
  const picked: Partial<SandboxFaults> = {};
  for (const key of Object.keys(defaultFaults) as (keyof SandboxFaults)[]) {
    if (source[key] !== undefined) picked[key] = source[key];
  }
  return picked;
}

function pickLiving(source: Partial<LivingSettings>): Partial<LivingSettings> {
  const picked: Partial<LivingSettings> = {};
  for (const key of Object.keys(defaultLiving) as (keyof LivingSettings)[]) {
    if (source[key] !== undefined) (picked as Record<string, unknown>)[key] = source[key];
  }
  return picked;
}

function pickShape(source: Partial<ItemShape>): Partial<ItemShape> {
  return Object.fromEntries(
    Object.entries(source).filter(([key, value]) => key in defaultItemShape && value !== undefined),
  );
}

function send(res: ServerResponse, reply: Reply, headOnly = false): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': String(reply.body.length),
    ...reply.headers,
  });
  res.end(headOnly ? undefined : reply.body);
}

/** The request body as text, or undefined when it is larger than `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
