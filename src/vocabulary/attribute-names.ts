/** The attribute of a camel-case property, as the logger declares them: `conversationId` → `conversation-id`. */
export function attributeOf(property: string): string {
  return property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
