import { useState, type FormEvent } from 'react';
import { allOrderStatuses, type OrderStatus } from '../../api/types';
import { statusText } from '../../components/OrderDetails';
import { TextField } from '../../components/TextField';
import { EMPTY_ORDER_FILTERS, parseOrderFilters, type OrderFilterErrors, type OrderFilters } from '../../state/order-filters';

export interface OrderFilterFormProps {
  initial: OrderFilters;
  onFilter: (filters: OrderFilters) => void;
}

/** Status (several), customer email and the days the orders were placed on. */
export function OrderFilterForm({ initial, onFilter }: OrderFilterFormProps) {
  const [form, setForm] = useState<OrderFilters>(initial);
  const [errors, setErrors] = useState<OrderFilterErrors>({});

  const toggle = (status: OrderStatus, on: boolean): void => {
    setForm((f) => ({ ...f, statuses: on ? [...f.statuses, status] : f.statuses.filter((s) => s !== status) }));
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const parsed = parseOrderFilters(form);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    onFilter(parsed.filters);
  };

  const clear = (): void => {
    setForm(EMPTY_ORDER_FILTERS);
    setErrors({});
    onFilter(EMPTY_ORDER_FILTERS);
  };

  return (
    <form className="order-filters" onSubmit={submit} noValidate aria-label="Filter orders">
      <fieldset>
        <legend>Status</legend>
        <div className="status-choices">
          {allOrderStatuses().map((status) => (
            <div className="field field-checkbox" key={status}>
              <input
                id={`filter-status-${status}`}
                type="checkbox"
                checked={form.statuses.includes(status)}
                onChange={(e) => toggle(status, e.target.checked)}
              />
              <label htmlFor={`filter-status-${status}`}>{statusText(status)}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <div className="field-row">
        <TextField
          id="filter-email"
          label="Customer email"
          type="email"
          autoComplete="off"
          value={form.email}
          maxLength={254}
          onChange={(v) => setForm((f) => ({ ...f, email: v }))}
          error={errors.email}
        />
        <TextField
          id="filter-from"
          label="Placed from (UTC)"
          type="date"
          value={form.createdFrom}
          onChange={(v) => setForm((f) => ({ ...f, createdFrom: v }))}
          error={errors.createdFrom}
        />
        <TextField
          id="filter-to"
          label="Placed until (UTC, included)"
          type="date"
          value={form.createdTo}
          onChange={(v) => setForm((f) => ({ ...f, createdTo: v }))}
          error={errors.createdTo}
        />
      </div>
      <p className="actions">
        <button type="submit" className="button">
          Apply filters
        </button>
        <button type="button" className="button button-secondary" onClick={clear}>
          Clear filters
        </button>
      </p>
    </form>
  );
}
