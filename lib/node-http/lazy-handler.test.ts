import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { lazyHandler, type LazyHandler, type LoadedHandler } from "./lazy-handler";

let server: Server | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A node:http server in front of `lazy`; its base URL. */
async function serve(lazy: LazyHandler): Promise<string> {
  server = createServer(lazy.handle);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** A handler that answers with its own name, and counts its closes. */
function named(name: string): LoadedHandler & { closed: number } {
  const handler = {
    closed: 0,
    handle: (_req: IncomingMessage, res: ServerResponse) => void res.end(name),
    close: async () => {
      handler.closed++;
    },
  };
  return handler;
}

describe("lazyHandler", () => {
  it("loads nothing until the first request, and one load serves the requests that arrived during it", async () => {
    let finishLoad!: (handler: LoadedHandler) => void;
    const load = vi.fn(() => new Promise<LoadedHandler>((resolve) => (finishLoad = resolve)));
    const url = await serve(lazyHandler("the app", load));
    expect(load).not.toHaveBeenCalled();

    const answers = Promise.all([fetch(`${url}/a`), fetch(`${url}/b`), fetch(`${url}/c`)]);
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    // Give the other requests time to arrive while the load is under way.
    await new Promise((resolve) => setTimeout(resolve, 50));
    finishLoad(named("loaded"));
    const bodies = await Promise.all((await answers).map((answer) => answer.text()));
    expect(bodies).toEqual(["loaded", "loaded", "loaded"]);
    expect(await (await fetch(`${url}/d`)).text()).toBe("loaded");
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("answers a failed load's requests 500 with one line, logs it once, and loads again on the next request", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    let attempts = 0;
    const load = vi.fn(async () => {
      attempts++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (attempts === 1) throw new Error("the build is missing\nsecond line");
      return named("loaded");
    });
    const url = await serve(lazyHandler("the app", load));

    const failed = await Promise.all([fetch(`${url}/a`), fetch(`${url}/b`)]);
    for (const answer of failed) {
      expect(answer.status).toBe(500);
      expect(await answer.text()).toBe("the app could not start; the server's log says why.\n");
    }
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0]?.[0]).toBe("the app could not start: Error: the build is missing");

    const retried = await fetch(`${url}/c`);
    expect(retried.status).toBe(200);
    expect(await retried.text()).toBe("loaded");
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("closes only what was loaded", async () => {
    const load = vi.fn(async () => named("loaded"));
    const unused = lazyHandler("the app", load);
    await unused.close();
    expect(load).not.toHaveBeenCalled();

    const handler = named("loaded");
    const used = lazyHandler("the app", async () => handler);
    const url = await serve(used);
    await (await fetch(url)).text();
    await used.close();
    expect(handler.closed).toBe(1);
  });

  it("on close, waits for a load under way and closes what it loaded", async () => {
    const handler = named("loaded");
    let finishLoad!: () => void;
    const lazy = lazyHandler("the app", () => new Promise<LoadedHandler>((resolve) => (finishLoad = () => resolve(handler))));
    const url = await serve(lazy);
    const answer = fetch(url);
    await vi.waitFor(() => expect(finishLoad).toBeDefined());
    const closed = lazy.close();
    finishLoad();
    await closed;
    expect(handler.closed).toBe(1);
    expect(await (await answer).text()).toBe("loaded");
  });
});
