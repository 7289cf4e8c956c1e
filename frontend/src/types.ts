// The slice of Home Assistant's frontend objects the card uses.

import type { StateLike } from "./logic";

export interface HassLike {
  states: Record<string, StateLike & { entity_id?: string }>;
  user?: { is_admin?: boolean; name?: string } | null;
  callService(
    domain: string,
    service: string,
    serviceData?: Record<string, unknown>,
  ): Promise<unknown>;
  themes?: { darkMode?: boolean };
  language?: string;
  locale?: { language?: string };
}

export interface CardConfig {
  type: string;
  entity: string;
  title?: string;
}
