// The card's texts, in one place, by language.
//
// A card cannot use the integration's translations (Home Assistant's frontend loads only
// its own categories of those), so it carries its own table. The language is the user's
// (`hass.locale.language`, else `hass.language`); a language, or a text, missing from
// the table falls back to English. Adding a language is adding one entry to `TEXTS`.

const EN = {
  invalidConfig: "Invalid configuration",
  chooseSensor:
    "Choose the Activities sensor of a Plex server (entity: sensor.<server>_activities)",
  titleNotText: "title must be text",
  defaultTitle: "Plex activities",
  pickerName: "Plex activities",
  pickerDescription:
    "A Plex server's running activities with progress, time left and cancel (v{version}).",
  entityNotFound: "Entity not found: {entity}",
  unavailable: "The Plex server is unavailable.",
  idle: "Plex is idle: no activities running.",
  inProgress: "In progress",
  cancel: "Cancel",
  cancelLabel: "Cancel {title}",
  confirm: "Cancel?",
  yes: "Yes",
  yesLabel: "Yes, cancel {title}",
  no: "No",
  noLabel: "No, keep {title} running",
  cancelling: "Cancelling…",
  cancelFailed: "Could not cancel: {message}",
  elapsed: "{duration} elapsed",
  almostDone: "almost done",
  timeLeft: "about {duration} left",
  running: "{total} running",
  runningShown: "{total} running, {listed} shown",
  activity: "Activity",
  sensorLabel: "Activities sensor of the Plex server",
  titleLabel: "Title (optional; the sensor's name by default)",
} as const;

export type TextKey = keyof typeof EN;

const TEXTS: Readonly<Record<string, Partial<Record<TextKey, string>>>> = { en: EN };

/** The user's language as Home Assistant's frontend gives it, if any. */
export function languageOf(
  hass: { locale?: { language?: string }; language?: string } | undefined,
): string | undefined {
  return hass?.locale?.language ?? hass?.language;
}

/**
 * The text `key` in `language` (English when missing), with `{name}` placeholders
 * replaced by `values`; a placeholder without a value stays as it is.
 */
export function text(
  language: string | undefined,
  key: TextKey,
  values: Readonly<Record<string, string | number>> = {},
): string {
  const table = language
    ? (TEXTS[language] ?? TEXTS[language.split("-")[0] ?? ""])
    : undefined;
  const template = table?.[key] ?? EN[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}
