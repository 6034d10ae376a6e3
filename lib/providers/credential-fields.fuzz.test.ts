import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { composeSecret, credentialForm, CredentialFieldError, describeCredential } from "./credential-fields";

const SLUGS = ["openai", "aws-bedrock", "google-vertex-ai", "azure-openai", "workers-ai"];

/** Form fields as a browser or `--field` sends them: mostly the provider's names, sometimes anything. */
const submitted = (slug: string) =>
  fc.dictionary(
    fc.oneof(fc.constantFrom(...credentialForm(slug).fields.map((f) => f.name)), fc.string({ maxLength: 12 })),
    fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.json(), fc.base64String({ maxLength: 200 })),
    { maxKeys: 6 },
  );

describe("composing a secret from submitted fields", () => {
  it("gives a non-empty string or a CredentialFieldError, for any input", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SLUGS).chain((slug) => fc.tuple(fc.constant(slug), submitted(slug))),
        ([slug, values]) => {
          try {
            expect(composeSecret(slug, values).length).toBeGreaterThan(0);
          } catch (error) {
            expect(error).toBeInstanceOf(CredentialFieldError);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe("describing a stored secret", () => {
  it("never throws and never shows Bedrock's secret access key", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9/+]{20,40}$/), fc.constantFrom("us-east-1", "eu-west-1"), (secretAccessKey, region) => {
        const secret = composeSecret("aws-bedrock", { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey, region });
        expect(describeCredential("aws-bedrock", secret)).not.toContain(secretAccessKey);
      }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...SLUGS), fc.string({ unit: "binary", maxLength: 300 }), (slug, secret) => {
        const description = describeCredential(slug, secret);
        expect(description === undefined || typeof description === "string").toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
