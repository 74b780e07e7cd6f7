export interface QuantitySelectProps {
  id: string;
  label: string;
  value: number;
  max: number;
  onChange: (quantity: number) => void;
  /** Hide the label visually (it is still read out). */
  hiddenLabel?: boolean;
  disabled?: boolean;
}

/** A quantity from 1 to `max` (at most 100). */
export function QuantitySelect({ id, label, value, max, onChange, hiddenLabel = false, disabled = false }: QuantitySelectProps) {
  const options = Array.from({ length: Math.max(1, max) }, (_, i) => i + 1);
  return (
    <div className="field field-inline">
      <label htmlFor={id} className={hiddenLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(Number(e.target.value))}>
        {options.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </div>
  );
}
