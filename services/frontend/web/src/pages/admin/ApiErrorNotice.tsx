import { ApiError, describeError } from '../../api/http';
import { FocusedNotice } from '../../components/Status';

/** An API error as the server sent it: message, code and every field detail. */
export function ApiErrorNotice({ title, error }: { title: string; error: unknown }) {
  const apiError = error instanceof ApiError ? error : null;
  return (
    <FocusedNotice tone="error">
      <p className="notice-title">{title}</p>
      <p>{describeError(error)}</p>
      {apiError && apiError.details.length > 0 && (
        <ul>
          {apiError.details.map((d, i) => (
            <li key={`${d.field}-${String(i)}`}>
              <code>{d.field}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
      {apiError && (
        <p className="notice-code">
          HTTP {apiError.status === 0 ? 'no answer' : apiError.status} · {apiError.code}
        </p>
      )}
    </FocusedNotice>
  );
}
