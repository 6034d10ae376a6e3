import { afterEach, describe, expect, it } from "vitest";
import type { NewRequestLog } from "@/db/schema";
import type { OtelCollector } from "@/lib/gateways/settings/otel";
import { startFakeCollector, type FakeCollector } from "@/tests/fake-providers/otlp-collector";
import { startFakeServer } from "@/tests/fake-providers/http";
import { OtelExport, type OtelStats } from "./export";

const log = (id: string): NewRequestLog => ({
  id,
  requestId: id,
  teamId: "team_1",
  gatewayId: "gw_1",
  eventId: id,
  provider: "openai",
  model: "gpt-4o-mini",
  path: "compat/chat/completions",
  method: "POST",
  statusCode: 200,
  success: true,
  tokensIn: 12,
  tokensOut: 34,
  costMicros: 1500,
  durationMs: 40,
  createdAt: new Date(),
});

const counts = (): OtelStats => ({ queued: 0, exported: 0, failed: 0, dropped: 0 });

describe("OtelExport", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function collector(): Promise<FakeCollector> {
    const started = await startFakeCollector();
    closers.push(() => started.close());
    return started;
  }

  it("sends one batch of spans per collector configuration, shared by every gateway that names it", async () => {
    const fake = await collector();
    const stats = counts();
    const otel = new OtelExport({ allowPrivateCollectors: true, counts: stats });
    const settings: OtelCollector[] = [{ url: fake.url, content_type: "json" }];
    // Another gateway's row, equal but not the same object.
    const same: OtelCollector[] = [{ url: fake.url, content_type: "json" }];
    otel.export(settings, { log: log("log_1") });
    otel.export(same, { log: log("log_2") });
    await otel.flush();
    expect(fake.requests).toHaveLength(1);
    expect(fake.spans().map((span) => span.attributes["cf_aig.log_id"])).toEqual(["log_1", "log_2"]);
    expect(stats).toEqual({ queued: 2, exported: 2, failed: 0, dropped: 0 });
    await otel.close();
  });

  it("sends nothing to a collector on a private address unless the operator allows it, and counts the spans dropped", async () => {
    const fake = await collector();
    const stats = counts();
    const otel = new OtelExport({ allowPrivateCollectors: false, counts: stats });
    otel.export([{ url: fake.url, content_type: "protobuf" }], { log: log("log_private") });
    await otel.flush();
    await otel.close();
    expect(fake.requests).toHaveLength(0);
    expect(stats).toMatchObject({ queued: 0, dropped: 1 });
  });

  it("holds at most 2048 spans per collector that does not answer, dropping and counting the rest", async () => {
    const hanging = await startFakeServer(
      (base) => ({ ...base, mode: "" }),
      () => new Promise<void>(() => {}),
    );
    const stats = counts();
    const otel = new OtelExport({ allowPrivateCollectors: true, counts: stats });
    const settings: OtelCollector[] = [{ url: `${hanging.origin}/v1/traces`, content_type: "json" }];
    for (let i = 0; i < 2100; i++) otel.export(settings, { log: log(`log_${i}`) });
    expect(stats).toMatchObject({ queued: 2048, dropped: 52 });
    await hanging.close();
    await otel.close();
    expect(stats.failed + stats.exported).toBeLessThanOrEqual(2048);
  });
});
