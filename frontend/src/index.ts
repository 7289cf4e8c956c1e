// The module Home Assistant loads: defines the card and its editor, and lists the card
// in the dashboard's card picker.

import { CARD_TAG, EDITOR_TAG, PlexActivitiesCard } from "./card";
import { PlexActivitiesCardEditor } from "./editor";
import { text } from "./strings";

declare const __CARD_VERSION__: string;

interface CustomCardEntry {
  type: string;
  name: string;
  description?: string;
  preview?: boolean;
  documentationURL?: string;
}

if (!customElements.get(EDITOR_TAG)) {
  customElements.define(EDITOR_TAG, PlexActivitiesCardEditor);
}
if (!customElements.get(CARD_TAG)) {
  customElements.define(CARD_TAG, PlexActivitiesCard);
}

const w = window as unknown as { customCards?: CustomCardEntry[] };
w.customCards = w.customCards ?? [];
if (!w.customCards.some((card) => card.type === CARD_TAG)) {
  // Listed before any `hass` exists: the page's language (Home Assistant sets it).
  const language = document.documentElement.lang || undefined;
  w.customCards.push({
    type: CARD_TAG,
    name: text(language, "pickerName"),
    description: text(language, "pickerDescription", { version: __CARD_VERSION__ }),
    preview: true,
    documentationURL: "https://github.com/plex-activities/plex-activities",
  });
}

export { PlexActivitiesCard, PlexActivitiesCardEditor };
