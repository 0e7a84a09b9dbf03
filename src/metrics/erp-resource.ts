const API_WORD = /^([A-Za-z_-]{1,40}|v\d{1,3})$/;

/**
 * The resource an ERP request addressed, as a template: `/v1/users/{id}/workcontracts`. Any path
 * segment other than an API word or a version (`v1`) is an identifier, so the label's values stay
 * few whatever IDs the customers' ERPs use.
 */
export function erpResource(path: string): string {
  const bare = path.split(/[?#]/)[0] ?? '';
  return bare
    .split('/')
    .map((segment) => (segment === '' || API_WORD.test(segment) ? segment : '{id}'))
    .join('/');
}
