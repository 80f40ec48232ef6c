/** Escapes text for HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; max-width: 36em; margin: 3em auto; padding: 0 1em">
${body}
</body></html>
`;
}

/** The confirmation page a GET shows: a button that POSTs `List-Unsubscribe=One-Click` to the same URL. */
export function confirmationPage(list: string, member: string): string {
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe</h1>
<p>Stop sending mail from <strong>${escapeHtml(list)}</strong> to <strong>${escapeHtml(member)}</strong>?</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button></form>`,
  );
}

/** What a POST answers, whether the token was good or not (so it tells nothing about either). */
export function donePage(list: string, member: string): string {
  return page(
    'Unsubscribed',
    `<h1>Unsubscribed</h1>
<p>If <strong>${escapeHtml(member)}</strong> was subscribed to <strong>${escapeHtml(list)}</strong> with this link, it is not any more.</p>`,
  );
}
