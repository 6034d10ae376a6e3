"use client";

import { Plus, Trash2 } from "lucide-react";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Field, fieldDescriptionId } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { BUILT_IN_DETECTORS, type DlpAction, type DlpCheck, type DlpCustomProfile, type DlpPolicy, type DlpSettings } from "@/lib/dlp/types";
import { DLP_DETECTOR_NAMES } from "./content-control-names";
import { SettingsJsonForm, type Action } from "./settings-json-form";
import { SwitchRow } from "./switch-row";

/** A keyword list as typed: words stay text until saved, so a trailing comma survives typing. */
type KeywordDraft = { id: string; wordsText: string; caseSensitive: boolean };
type ProfileDraft = Omit<DlpCustomProfile, "keywords"> & { keywords: KeywordDraft[] };

const CHECKS: { check: DlpCheck; label: string }[] = [
  { check: "REQUEST", label: "Requests" },
  { check: "RESPONSE", label: "Responses" },
];

function wordsOf(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((word) => word.trim())
    .filter((word) => word !== "");
}

/** The first of `prefix-1`, `prefix-2`… not taken. */
function freeId(prefix: string, taken: string[]): string {
  let n = 1;
  while (taken.includes(`${prefix}-${n}`)) n += 1;
  return `${prefix}-${n}`;
}

/**
 * DLP: policies that scan requests and responses for built-in detectors and the team's own profiles
 * (RE2 regexes, keyword lists), each with FLAG, BLOCK or REDACT per check.
 */
export function DlpSettingsCard({ settings, action, canEdit }: { settings: DlpSettings | null; action: Action; canEdit: boolean }) {
  const [enabled, setEnabled] = useState(settings?.enabled ?? false);
  const [headerSelectsPolicies, setHeaderSelectsPolicies] = useState(settings?.headerSelectsPolicies ?? false);
  const [policies, setPolicies] = useState<DlpPolicy[]>(settings?.policies ?? []);
  const [profiles, setProfiles] = useState<ProfileDraft[]>(
    (settings?.customProfiles ?? []).map((profile) => ({
      ...profile,
      keywords: profile.keywords.map((list) => ({ id: list.id, wordsText: list.words.join(", "), caseSensitive: list.caseSensitive ?? false })),
    })),
  );

  const customProfiles: DlpCustomProfile[] = profiles.map((profile) => ({
    ...profile,
    keywords: profile.keywords.map((list) => ({ id: list.id, words: wordsOf(list.wordsText), ...(list.caseSensitive ? { caseSensitive: true } : {}) })),
  }));
  const untouched = !enabled && policies.length === 0 && profiles.length === 0;
  const value: DlpSettings | null = untouched ? null : { enabled, policies, customProfiles, headerSelectsPolicies };

  const setPolicy = (index: number, change: Partial<DlpPolicy>) =>
    setPolicies((current) => current.map((policy, i) => (i === index ? { ...policy, ...change } : policy)));
  const setProfile = (index: number, change: (profile: ProfileDraft) => Partial<ProfileDraft>) =>
    setProfiles((current) => current.map((profile, i) => (i === index ? { ...profile, ...change(profile) } : profile)));

  return (
    <SettingsJsonForm
      name="dlp"
      title="Data loss prevention"
      description="Scan requests and responses for personal data and secrets. BLOCK refuses the request with 400 (code 2029 for a request, 2030 for a response); REDACT replaces each match before it reaches the provider or the client, streams included; FLAG logs it. Any match adds the cf-aig-dlp response header; the logs name what matched, never the text."
      value={value}
      action={action}
      canEdit={canEdit}
      submitLabel="Save DLP settings">
      {(errors) => (
        <>
          <SwitchRow id="dlp-enabled" label="DLP on" checked={enabled} onChange={setEnabled} hint="Off: the policies below are kept but nothing is scanned." />
          <SwitchRow
            id="dlp-header-selects"
            label="Let requests choose their policies"
            checked={headerSelectsPolicies}
            onChange={setHeaderSelectsPolicies}
            hint="A request's cf-aig-dlp-policies header (policy IDs, comma-separated) then picks which of these policies apply to it; an unknown ID is refused with 400. Cloudflare has no such header."
            error={errors.headerSelectsPolicies}
          />

          <section aria-labelledby="dlp-policies-title" className="space-y-3">
            <div className="flex items-center justify-between gap-3">
              <h3 id="dlp-policies-title" className="text-sm font-medium">
                Policies
              </h3>
              <Button
                variant="secondary"
                size="sm"
                onClick={() =>
                  setPolicies((current) => [
                    ...current,
                    { id: freeId("policy", current.map((p) => p.id)), enabled: true, profiles: [], actions: { REQUEST: "FLAG", RESPONSE: "FLAG" } },
                  ])
                }>
                <Plus aria-hidden />
                Add policy
              </Button>
            </div>
            {errors.policies ? <p className="text-xs text-destructive">{errors.policies}</p> : null}
            {policies.length === 0 ? <p className="text-sm text-muted-foreground">No policies: nothing is scanned.</p> : null}
            {policies.map((policy, index) => {
              const at = `policies.${index}`;
              const idField = `dlp-policy-${index}-id`;
              return (
                <fieldset key={index} className="space-y-3 rounded-lg border border-border p-4" aria-label={`Policy ${policy.id || index + 1}`}>
                  <div className="flex flex-wrap items-end gap-4">
                    <Field label="Policy ID" htmlFor={idField} error={errors[`${at}.id`]} className="min-w-48 flex-1">
                      <Input
                        id={idField}
                        value={policy.id}
                        onChange={(event) => setPolicy(index, { id: event.target.value })}
                        autoComplete="off"
                        spellCheck={false}
                        aria-invalid={errors[`${at}.id`] ? true : undefined}
                        aria-describedby={fieldDescriptionId(idField)}
                        className="font-mono"
                      />
                    </Field>
                    {CHECKS.map(({ check, label }) => {
                      const id = `dlp-policy-${index}-${check}`;
                      const error = errors[`${at}.actions.${check}`];
                      return (
                        <Field key={check} label={label} htmlFor={id} error={error}>
                          <Select
                            id={id}
                            value={policy.actions[check] ?? ""}
                            onChange={(event) => {
                              const actions = { ...policy.actions };
                              if (event.target.value === "") delete actions[check];
                              else actions[check] = event.target.value as DlpAction;
                              setPolicy(index, { actions });
                            }}
                            aria-invalid={error ? true : undefined}
                            className="w-32">
                            <option value="">Not scanned</option>
                            <option value="FLAG">Flag</option>
                            <option value="REDACT">Redact</option>
                            <option value="BLOCK">Block</option>
                          </Select>
                        </Field>
                      );
                    })}
                    <label className="flex h-9 items-center gap-2 text-sm">
                      <input type="checkbox" checked={policy.enabled} onChange={(event) => setPolicy(index, { enabled: event.target.checked })} />
                      Enabled
                    </label>
                    <Button variant="ghost" size="sm" aria-label={`Remove policy ${policy.id}`} onClick={() => setPolicies((current) => current.filter((_, i) => i !== index))}>
                      <Trash2 aria-hidden />
                    </Button>
                  </div>
                  <div className="space-y-1.5">
                    <p className="text-sm font-medium">Scans for</p>
                    <div className="grid gap-1.5 sm:grid-cols-2">
                      {[...BUILT_IN_DETECTORS.map((id) => [id, DLP_DETECTOR_NAMES[id]] as const), ...profiles.map((p) => [p.id, `${p.name || p.id} (custom)`] as const)].map(
                        ([profileId, name]) => (
                          <label key={profileId} className="flex items-center gap-2 text-sm">
                            <input
                              type="checkbox"
                              checked={policy.profiles.includes(profileId)}
                              onChange={(event) =>
                                setPolicy(index, {
                                  profiles: event.target.checked ? [...policy.profiles, profileId] : policy.profiles.filter((id) => id !== profileId),
                                })
                              }
                            />
                            {name}
                          </label>
                        ),
                      )}
                    </div>
                    <FieldError error={Object.entries(errors).find(([path]) => path.startsWith(`${at}.profiles`))?.[1]} />
                  </div>
                </fieldset>
              );
            })}
          </section>

          <section aria-labelledby="dlp-profiles-title" className="space-y-3">
            <div className="flex items-center justify-between gap-3">
              <div>
                <h3 id="dlp-profiles-title" className="text-sm font-medium">
                  Custom profiles
                </h3>
                <p className="text-xs text-muted-foreground">
                  Your own patterns, run by RE2: it never backtracks, so no pattern can stall the gateway, and it refuses what it cannot run that way
                  (backreferences, lookahead and lookbehind).
                </p>
              </div>
              <Button
                variant="secondary"
                size="sm"
                onClick={() =>
                  setProfiles((current) => [
                    ...current,
                    { id: freeId("profile", current.map((p) => p.id)), name: "", patterns: [{ id: "pattern-1", regex: "" }], keywords: [] },
                  ])
                }>
                <Plus aria-hidden />
                Add profile
              </Button>
            </div>
            {profiles.map((profile, index) => {
              const at = `customProfiles.${index}`;
              return (
                <fieldset key={index} className="space-y-3 rounded-lg border border-border p-4" aria-label={`Profile ${profile.id || index + 1}`}>
                  <div className="flex flex-wrap items-end gap-4">
                    <TextInput id={`dlp-profile-${index}-id`} label="Profile ID" value={profile.id} error={errors[`${at}.id`]} onChange={(id) => setProfile(index, () => ({ id }))} mono />
                    <TextInput id={`dlp-profile-${index}-name`} label="Name" value={profile.name} error={errors[`${at}.name`]} onChange={(name) => setProfile(index, () => ({ name }))} />
                    <Button variant="ghost" size="sm" aria-label={`Remove profile ${profile.id}`} onClick={() => setProfiles((current) => current.filter((_, i) => i !== index))}>
                      <Trash2 aria-hidden />
                    </Button>
                  </div>
                  <ListEditor
                    title="Patterns"
                    addLabel="Add pattern"
                    onAdd={() => setProfile(index, (p) => ({ patterns: [...p.patterns, { id: freeId("pattern", p.patterns.map((x) => x.id)), regex: "" }] }))}>
                    {profile.patterns.map((pattern, j) => (
                      <div key={j} className="flex flex-wrap items-start gap-3">
                        <TextInput
                          id={`dlp-profile-${index}-pattern-${j}-id`}
                          label="Entry ID"
                          value={pattern.id}
                          error={errors[`${at}.patterns.${j}.id`]}
                          onChange={(id) => setProfile(index, (p) => ({ patterns: p.patterns.map((x, k) => (k === j ? { ...x, id } : x)) }))}
                          mono
                        />
                        <TextInput
                          id={`dlp-profile-${index}-pattern-${j}-regex`}
                          label="Regular expression"
                          value={pattern.regex}
                          error={errors[`${at}.patterns.${j}.regex`]}
                          onChange={(regex) => setProfile(index, (p) => ({ patterns: p.patterns.map((x, k) => (k === j ? { ...x, regex } : x)) }))}
                          mono
                          grow
                        />
                        <RemoveButton label={`Remove pattern ${pattern.id}`} onClick={() => setProfile(index, (p) => ({ patterns: p.patterns.filter((_, k) => k !== j) }))} />
                      </div>
                    ))}
                  </ListEditor>
                  <ListEditor
                    title="Keyword lists"
                    addLabel="Add keyword list"
                    onAdd={() =>
                      setProfile(index, (p) => ({ keywords: [...p.keywords, { id: freeId("keywords", p.keywords.map((x) => x.id)), wordsText: "", caseSensitive: false }] }))
                    }>
                    {profile.keywords.map((list, j) => {
                      const wordsId = `dlp-profile-${index}-keywords-${j}-words`;
                      const wordsError = errors[`${at}.keywords.${j}.words`];
                      const change = (update: Partial<KeywordDraft>) =>
                        setProfile(index, (p) => ({ keywords: p.keywords.map((x, k) => (k === j ? { ...x, ...update } : x)) }));
                      return (
                        <div key={j} className="flex flex-wrap items-start gap-3">
                          <TextInput id={`dlp-profile-${index}-keywords-${j}-id`} label="Entry ID" value={list.id} error={errors[`${at}.keywords.${j}.id`]} onChange={(id) => change({ id })} mono />
                          <Field label="Words" htmlFor={wordsId} error={wordsError} hint="Comma- or line-separated; each matches as a whole word." className="min-w-64 flex-1">
                            <Textarea
                              id={wordsId}
                              rows={2}
                              value={list.wordsText}
                              onChange={(event) => change({ wordsText: event.target.value })}
                              aria-invalid={wordsError ? true : undefined}
                              aria-describedby={fieldDescriptionId(wordsId)}
                            />
                          </Field>
                          <label className="mt-7 flex items-center gap-2 text-sm">
                            <input type="checkbox" checked={list.caseSensitive} onChange={(event) => change({ caseSensitive: event.target.checked })} />
                            Case-sensitive
                          </label>
                          <RemoveButton label={`Remove keyword list ${list.id}`} onClick={() => setProfile(index, (p) => ({ keywords: p.keywords.filter((_, k) => k !== j) }))} />
                        </div>
                      );
                    })}
                  </ListEditor>
                  <FieldError error={errors[`${at}.patterns`] ?? errors[at]} />
                </fieldset>
              );
            })}
          </section>
        </>
      )}
    </SettingsJsonForm>
  );
}

function FieldError({ error }: { error?: string }) {
  return error ? <p className="text-xs text-destructive">{error}</p> : null;
}

function TextInput({
  id,
  label,
  value,
  error,
  onChange,
  mono,
  grow,
}: {
  id: string;
  label: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  mono?: boolean;
  grow?: boolean;
}) {
  return (
    <Field label={label} htmlFor={id} error={error} className={grow ? "min-w-64 flex-1" : "w-48"}>
      <Input
        id={id}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? fieldDescriptionId(id) : undefined}
        className={mono ? "font-mono" : undefined}
      />
    </Field>
  );
}

function ListEditor({ title, addLabel, onAdd, children }: { title: string; addLabel: string; onAdd: () => void; children: ReactNode }) {
  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3">
        <p className="text-sm font-medium">{title}</p>
        <Button variant="ghost" size="sm" onClick={onAdd}>
          <Plus aria-hidden />
          {addLabel}
        </Button>
      </div>
      {children}
    </div>
  );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <Button variant="ghost" size="sm" aria-label={label} onClick={onClick} className="mt-6">
      <Trash2 aria-hidden />
    </Button>
  );
}
