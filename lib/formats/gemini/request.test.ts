import { describe, expect, it } from "vitest";
import type { ChatRequest } from "@/lib/formats/canonical";
import { formatError } from "@/lib/formats/testing";
import { decodeGeminiRequest, encodeGeminiRequest } from "./request";

function request(extra: Partial<ChatRequest>): ChatRequest {
  return { model: "gemini-2.5-flash", stream: false, messages: [{ role: "user", content: "Hi" }], ...extra };
}

describe("encodeGeminiRequest", () => {
  it("puts the model and the stream flag in the path", () => {
    expect(encodeGeminiRequest(request({})).path).toBe("v1beta/models/gemini-2.5-flash:generateContent");
    expect(encodeGeminiRequest(request({ stream: true, model: "models/gemini-2.5-pro" })).path).toBe(
      "v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    );
  });

  it("maps system and developer prompts to systemInstruction and merges consecutive same-role turns", () => {
    const { body } = encodeGeminiRequest(
      request({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
          { role: "user", content: "Hello" },
          { role: "user", content: [{ type: "text", text: "Again" }] },
          { role: "assistant", content: "Bonjour" },
          { role: "user", content: "Thanks" },
        ],
      }),
    );
    expect(body.systemInstruction).toEqual({ parts: [{ text: "Be brief." }, { text: "Answer in French." }] });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Hello" }, { text: "Again" }] },
      { role: "model", parts: [{ text: "Bonjour" }] },
      { role: "user", parts: [{ text: "Thanks" }] },
    ]);
  });

  it("sends data URLs inline and http URLs as fileData typed by their extension", () => {
    const { body } = encodeGeminiRequest(
      request({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
              { type: "image_url", image_url: { url: "https://example.com/cat.JPG?size=large", detail: "high" } },
            ],
          },
        ],
      }),
    );
    expect(body.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "What is this?" },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.JPG?size=large" } },
        ],
      },
    ]);
  });

  it("refuses an image URL whose type it cannot tell, naming the part", () => {
    const error = formatError(() =>
      encodeGeminiRequest(request({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://example.com/image" } }] }] })),
    );
    expect(error.field).toBe("messages[0].content[0].image_url.url");
    expect(error.message).toMatch(/data URL/);
  });

  it("maps tools, tool_choice, calls and results, matching results to calls by id", () => {
    const { body } = encodeGeminiRequest(
      request({
        tools: [
          {
            type: "function",
            function: {
              name: "get_weather",
              description: "Weather for a city",
              parameters: {
                $schema: "http://json-schema.org/draft-07/schema#",
                type: "object",
                properties: { city: { type: "string" }, unit: { type: ["string", "null"], enum: ["c", "f"] } },
                required: ["city"],
                additionalProperties: false,
              },
            },
          },
          { type: "function", function: { name: "now", parameters: { type: "object", properties: {} } } },
        ],
        tool_choice: { type: "function", function: { name: "get_weather" } },
        messages: [
          { role: "user", content: "Weather in Paris and Rome?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' }, signature: "sig-A" },
              { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: "tool", tool_call_id: "call_0", content: '{"temp":21}' },
          { role: "tool", tool_call_id: "toolu_1", content: "sunny" },
          { role: "user", content: "And tomorrow?" },
        ],
      }),
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "get_weather",
            description: "Weather for a city",
            parameters: {
              type: "OBJECT",
              properties: { city: { type: "STRING" }, unit: { type: "STRING", nullable: true, enum: ["c", "f"] } },
              required: ["city"],
            },
          },
          { name: "now" },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } });
    expect(body.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [
          // A made-up id (call_0) is not sent; a real one is.
          { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "sig-A" },
          { functionCall: { id: "toolu_1", name: "get_weather", args: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { temp: 21 } } },
          { functionResponse: { id: "toolu_1", name: "get_weather", response: { result: "sunny" } } },
          { text: "And tomorrow?" },
        ],
      },
    ]);
  });

  it.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
  ] as const)("maps tool_choice %s", (choice, config) => {
    const tools = [{ type: "function" as const, function: { name: "f" } }];
    expect(encodeGeminiRequest(request({ tools, tool_choice: choice })).body.toolConfig).toEqual({ functionCallingConfig: config });
  });

  it("wraps non-object JSON tool results", () => {
    const { body } = encodeGeminiRequest(
      request({
        messages: [
          { role: "user", content: "count" },
          { role: "assistant", content: null, tool_calls: [{ id: "a", type: "function", function: { name: "count", arguments: "" } }] },
          { role: "tool", tool_call_id: "a", content: "[1,2]" },
        ],
      }),
    );
    expect((body.contents as { parts: unknown[] }[])[2]!.parts).toEqual([{ functionResponse: { id: "a", name: "count", response: { result: [1, 2] } } }]);
  });

  it("refuses a tool result that answers no call", () => {
    const error = formatError(() =>
      encodeGeminiRequest(request({ messages: [{ role: "user", content: "x" }, { role: "tool", tool_call_id: "nope", content: "1" }] })),
    );
    expect(error.field).toBe("messages[1].tool_call_id");
    expect(error.code).toBe("invalid_field");
  });

  it("maps the generation settings", () => {
    const { body } = encodeGeminiRequest(
      request({
        stop: ["END"],
        max_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        seed: 7,
        presence_penalty: 0.1,
        frequency_penalty: 0.3,
        n: 1,
        user: "someone",
      }),
    );
    expect(body.generationConfig).toEqual({
      stopSequences: ["END"],
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      seed: 7,
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
    });
  });

  it("maps response formats to a MIME type and a JSON schema", () => {
    expect(encodeGeminiRequest(request({ response_format: { type: "json_object" } })).body.generationConfig).toEqual({ responseMimeType: "application/json" });
    const schema = { type: "object", properties: { a: { type: "integer" } }, additionalProperties: false };
    expect(
      encodeGeminiRequest(request({ response_format: { type: "json_schema", json_schema: { name: "out", schema, strict: true } } })).body.generationConfig,
    ).toEqual({ responseMimeType: "application/json", responseJsonSchema: schema });
    expect(encodeGeminiRequest(request({ response_format: { type: "text" } })).body.generationConfig).toBeUndefined();
  });

  it("maps reasoning to thinkingConfig: budget, effort as budget, effort as level on Gemini 3", () => {
    expect(encodeGeminiRequest(request({ reasoning: { budget_tokens: 2048 } })).body.generationConfig).toEqual({
      thinkingConfig: { includeThoughts: true, thinkingBudget: 2048 },
    });
    expect(encodeGeminiRequest(request({ reasoning: { effort: "medium", include_thoughts: false } })).body.generationConfig).toEqual({
      thinkingConfig: { includeThoughts: false, thinkingBudget: 8192 },
    });
    expect(encodeGeminiRequest(request({ reasoning: { budget_tokens: 0 } })).body.generationConfig).toEqual({
      thinkingConfig: { includeThoughts: false, thinkingBudget: 0 },
    });
    expect(encodeGeminiRequest(request({ model: "gemini-3-pro-preview", reasoning: { effort: "high" } })).body.generationConfig).toEqual({
      thinkingConfig: { includeThoughts: true, thinkingLevel: "HIGH" },
    });
  });

  it("sends thoughts and their signatures back on the next turn", () => {
    const { body } = encodeGeminiRequest(
      request({
        messages: [
          { role: "user", content: "Think" },
          {
            role: "assistant",
            content: "42",
            reasoning: [
              { type: "thinking", text: "Let me see", signature: "sig-1" },
              { type: "redacted", data: "opaque" },
              { type: "thinking", text: "", signature: "sig-2" },
            ],
          },
          { role: "user", content: "Why?" },
        ],
      }),
    );
    expect((body.contents as { parts: unknown[] }[])[1]!.parts).toEqual([
      { text: "Let me see", thought: true, thoughtSignature: "sig-1" },
      { text: "42", thoughtSignature: "sig-2" },
    ]);
  });

  it.each([
    [{ n: 2 }, "n"],
    [{ tools: [{ type: "function" as const, function: { name: "f" } }], parallel_tool_calls: false }, "parallel_tool_calls"],
    [{ tool_choice: "required" as const }, "tool_choice"],
    [{ logprobs: true }, "logprobs"],
    [{ top_logprobs: 2 }, "top_logprobs"],
    [{ messages: [{ role: "system" as const, content: "only a system prompt" }] }, "messages"],
    [{ messages: [{ role: "user" as const, content: [{ type: "image_url" as const, image_url: { url: "ftp://x/y.png" } }] }] }, "messages[0].content[0].image_url.url"],
    [
      { messages: [{ role: "user" as const, content: "x" }, { role: "assistant" as const, content: null, tool_calls: [{ id: "a", type: "function" as const, function: { name: "f", arguments: "{oops" } }] }] },
      "messages[1].tool_calls[0].function.arguments",
    ],
  ])("refuses what Gemini cannot express: %j", (extra, field) => {
    expect(formatError(() => encodeGeminiRequest(request(extra))).field).toBe(field);
  });
});

describe("decodeGeminiRequest", () => {
  it("takes the model and stream flag from the hints and reads a multi-turn conversation", () => {
    const decoded = decodeGeminiRequest(
      {
        systemInstruction: { parts: [{ text: "Be brief." }] },
        contents: [
          { role: "user", parts: [{ text: "Hi" }, { inlineData: { mimeType: "image/png", data: "AAAA" } }] },
          { role: "model", parts: [{ text: "Hello" }] },
          { parts: [{ text: "Bye" }] },
        ],
        generationConfig: { temperature: 0.5, topK: 3, maxOutputTokens: 50, stopSequences: ["x"], candidateCount: 1 },
        safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      },
      { model: "models/gemini-2.5-flash", stream: true },
    );
    expect(decoded).toEqual({
      model: "gemini-2.5-flash",
      stream: true,
      messages: [
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        {
          role: "user",
          content: [
            { type: "text", text: "Hi" },
            { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          ],
        },
        { role: "assistant", content: "Hello" },
        { role: "user", content: "Bye" },
      ],
      temperature: 0.5,
      top_k: 3,
      max_tokens: 50,
      stop: ["x"],
    });
  });

  it("gives id-less calls stable ids and matches function responses by name, then by id", () => {
    const decoded = decodeGeminiRequest(
      {
        contents: [
          { role: "user", parts: [{ text: "Weather?" }] },
          {
            role: "model",
            parts: [
              { functionCall: { name: "weather", args: { city: "Paris" } }, thoughtSignature: "sig" },
              { functionCall: { name: "weather", args: { city: "Rome" } } },
              { functionCall: { id: "fc-9", name: "time", args: {} } },
            ],
          },
          {
            role: "user",
            parts: [
              { functionResponse: { id: "fc-9", name: "time", response: { now: "noon" } } },
              { functionResponse: { name: "weather", response: { temp: 20 } } },
              { functionResponse: { name: "weather", response: { temp: 25 } } },
              { text: "Thanks" },
            ],
          },
        ],
        tools: [{ functionDeclarations: [{ name: "weather", parameters: { type: "OBJECT", properties: { city: { type: "STRING", nullable: true } } } }] }],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["weather"] } },
      },
      { model: "gemini-2.5-flash" },
    );
    expect(decoded.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1_0", type: "function", function: { name: "weather", arguments: '{"city":"Paris"}' }, signature: "sig" },
          { id: "call_1_1", type: "function", function: { name: "weather", arguments: '{"city":"Rome"}' } },
          { id: "fc-9", type: "function", function: { name: "time", arguments: "{}" } },
        ],
      },
      { role: "tool", tool_call_id: "fc-9", content: '{"now":"noon"}' },
      { role: "tool", tool_call_id: "call_1_0", content: '{"temp":20}' },
      { role: "tool", tool_call_id: "call_1_1", content: '{"temp":25}' },
      { role: "user", content: "Thanks" },
    ]);
    expect(decoded.tools).toEqual([
      { type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: ["string", "null"] } } } } },
    ]);
    expect(decoded.tool_choice).toEqual({ type: "function", function: { name: "weather" } });
  });

  it("reads thinking and response formats", () => {
    const decoded = decodeGeminiRequest(
      {
        contents: [{ parts: [{ text: "x" }] }],
        generationConfig: {
          thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
          responseMimeType: "application/json",
          responseSchema: { type: "OBJECT", properties: { a: { type: "INTEGER" } } },
        },
      },
      { model: "gemini-2.5-pro" },
    );
    expect(decoded.reasoning).toEqual({ include_thoughts: true, budget_tokens: 1024 });
    expect(decoded.response_format).toEqual({ type: "json_schema", json_schema: { name: "response", schema: { type: "object", properties: { a: { type: "integer" } } } } });
    expect(
      decodeGeminiRequest({ contents: [{ parts: [{ text: "x" }] }], generationConfig: { thinkingConfig: { thinkingLevel: "LOW", thinkingBudget: -1 }, responseMimeType: "application/json" } }, { model: "m" }),
    ).toMatchObject({ reasoning: { include_thoughts: false, effort: "low" }, response_format: { type: "json_object" } });
  });

  it("round-trips a conversation with thoughts and signed calls through canonical and back", () => {
    const body = {
      contents: [
        { role: "user", parts: [{ text: "Plan" }] },
        {
          role: "model",
          parts: [
            { text: "Thinking hard", thought: true, thoughtSignature: "t-sig" },
            { text: "Calling", thoughtSignature: "text-sig" },
            { functionCall: { id: "c1", name: "run", args: { n: 1 } }, thoughtSignature: "call-sig" },
          ],
        },
        { role: "user", parts: [{ functionResponse: { id: "c1", name: "run", response: { ok: true } } }] },
      ],
    };
    const encoded = encodeGeminiRequest(decodeGeminiRequest(body, { model: "gemini-2.5-flash" }));
    expect(encoded.body.contents).toEqual(body.contents);
  });

  it.each([
    [{ contents: [] }, "contents"],
    [{ contents: [{ parts: [{ text: "x" }] }], cachedContent: "cachedContents/1" }, "cachedContent"],
    [{ contents: [{ parts: [{ text: "x" }] }], tools: [{ googleSearch: {} }] }, "tools[0].googleSearch"],
    [{ contents: [{ parts: [{ text: "x" }] }], generationConfig: { candidateCount: 2 } }, "generationConfig.candidateCount"],
    [{ contents: [{ parts: [{ text: "x" }] }], generationConfig: { responseModalities: ["IMAGE"] } }, "generationConfig.responseModalities"],
    [{ contents: [{ parts: [{ inlineData: { mimeType: "audio/wav", data: "AA" } }] }] }, "contents[0].parts[0].inlineData.mimeType"],
    [{ contents: [{ parts: [{ fileData: { mimeType: "image/png", fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc" } }] }] }, "contents[0].parts[0].fileData.fileUri"],
    [{ contents: [{ parts: [{ functionResponse: { name: "ghost", response: {} } }] }] }, "contents[0].parts[0].functionResponse"],
    [{ contents: [{ role: "system", parts: [{ text: "x" }] }] }, "contents[0].role"],
    [{ contents: [{ parts: [{ text: "x" }] }, { role: "model", parts: [{ executableCode: { code: "1" } }] }] }, "contents[1].parts[0]"],
    [{ contents: [{ parts: [{ text: "x" }] }], toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["a", "b"] } } }, "toolConfig.functionCallingConfig.allowedFunctionNames"],
    [{ contents: [{ parts: [{ text: "x" }] }], generationConfig: { responseMimeType: "text/x.enum" } }, "generationConfig.responseMimeType"],
    [{ contents: [{ parts: [{ text: "x" }] }], somethingNew: true }, "somethingNew"],
    [{ contents: [{ parts: [{ text: "x" }] }], generationConfig: { responseLogprobs: true } }, "generationConfig.responseLogprobs"],
    [{ contents: [{ parts: [{ text: "x" }] }], generationConfig: { logprobs: 3 } }, "generationConfig.logprobs"],
  ])("refuses what it cannot carry: %j", (body, field) => {
    expect(formatError(() => decodeGeminiRequest(body, { model: "gemini-2.5-flash" })).field).toBe(field);
  });

  it("reads the snake_case spelling of Google's curl examples, leaving the client's own data alone", () => {
    const decoded = decodeGeminiRequest(
      {
        system_instruction: { parts: [{ text: "Be brief." }] },
        contents: [
          { role: "user", parts: [{ inline_data: { mime_type: "image/jpeg", data: "AAAA" } }] },
          { role: "model", parts: [{ function_call: { name: "look_up", args: { user_id: 1 } } }] },
          { role: "user", parts: [{ function_response: { name: "look_up", response: { first_name: "Ada" } } }] },
        ],
        tools: [{ function_declarations: [{ name: "look_up", parameters: { type: "OBJECT", properties: { user_id: { type: "INTEGER" } }, property_ordering: ["user_id"] } }] }],
        tool_config: { function_calling_config: { mode: "AUTO" } },
        generation_config: { max_output_tokens: 10, thinking_config: { thinking_budget: 0 } },
      },
      { model: "gemini-2.5-flash" },
    );
    expect(decoded).toMatchObject({
      messages: [
        { role: "system" },
        { role: "user", content: [{ type: "image_url", image_url: { url: "data:image/jpeg;base64,AAAA" } }] },
        { role: "assistant", tool_calls: [{ function: { name: "look_up", arguments: '{"user_id":1}' } }] },
        { role: "tool", content: '{"first_name":"Ada"}' },
      ],
      tools: [{ function: { parameters: { type: "object", properties: { user_id: { type: "integer" } } } } }],
      tool_choice: "auto",
      max_tokens: 10,
      reasoning: { budget_tokens: 0, include_thoughts: false },
    });
  });

  it("needs a model from the path", () => {
    expect(formatError(() => decodeGeminiRequest({ contents: [{ parts: [{ text: "x" }] }] })).field).toBe("model");
  });
});
