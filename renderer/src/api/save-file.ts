/**
 * Hands a fetched file to the browser as a download. Owner files are fetched with the
 * session header (S33), so a plain `<a href download>` (which would carry only cookies)
 * cannot fetch them; an object URL of the fetched bytes can.
 */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
