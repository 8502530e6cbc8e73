/** `${{ runway.url }}` in a plan made before the environment had a URL, filled in once the run knows it. */

/**
 * What `${{ runway.url }}` stays as while the environment has no URL yet (a first deploy): the steps after the
 * deploy step fill it in with the URL the deploy returned (`withRunUrl`).
 */
export const URL_LATER = '${{ runway.url }}';

/** Fills in a `${{ runway.url }}` the plan could not resolve, in every string of a value. */
export function withRunUrl<T>(value: T, url: string | undefined): T {
  if (typeof value === 'string') return value.split(URL_LATER).join(url ?? '') as T;
  if (Array.isArray(value)) return value.map((v) => withRunUrl(v, url)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRunUrl(v, url)])) as T;
  return value;
}
