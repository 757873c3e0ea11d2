/** A person's name in two parts, either of which may be missing (an invitee has neither). */
export interface PersonName {
  readonly givenName: string | null;
  readonly familyName: string | null;
}

/**
 * The name to show for a person: the given name, a space, the family name; either alone when the other is
 * missing; null when both are. A host that orders names differently composes its own from the two parts.
 * @example displayNameOf({ givenName: "Ann", familyName: "Lee" }) // "Ann Lee"
 */
export function displayNameOf(name: PersonName): string | null {
  const parts = [name.givenName, name.familyName].filter((part): part is string => !!part);
  return parts.length === 0 ? null : parts.join(" ");
}
