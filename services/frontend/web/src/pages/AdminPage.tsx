import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { createAdminApi, type ProductInput } from '../api/admin';
import { etagOf, getProduct, listProducts } from '../api/catalog';
import { ApiError } from '../api/http';
import type { Product } from '../api/types';
import { adminKeyStore } from '../app/services';
import { FocusedNotice, ErrorNotice, Loading } from '../components/Status';
import { useAsync } from '../hooks/useAsync';
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { EMPTY_PRODUCT_FORM, formOfProduct } from '../state/product-form';
import { AdminKeyForm } from './admin/AdminKeyForm';
import { AdminNav } from './admin/AdminNav';
import { AdminProductRow } from './admin/AdminProductRow';
import { ApiErrorNotice } from './admin/ApiErrorNotice';
import { ProductEditor } from './admin/ProductEditor';

const ADMIN_PAGE_SIZE = 50;

interface Listing {
  items: Product[];
  cursor: string | null;
}

type Editing = { mode: 'create' } | { mode: 'edit'; product: Product; notice: string | null };

type Message = { tone: 'success'; text: string } | { tone: 'error'; title: string; error: unknown } | { tone: 'conflict'; text: string };

function isAuthError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 412;
}

export default function AdminPage() {
  useDocumentTitle('Admin');
  const [key, setKey] = useState(() => adminKeyStore.get());
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const api = useMemo(() => createAdminApi(key), [key]);

  const listing = useAsync<Listing>(
    async (signal) => {
      const page = await listProducts({ q: search, limit: ADMIN_PAGE_SIZE }, signal);
      return { items: page.items, cursor: page.next_cursor };
    },
    [search],
  );
  const current = listing.state.status === 'ready' ? listing.state.data : null;

  const replaceInList = useCallback(
    (product: Product) => {
      if (current) {
        listing.set({ ...current, items: current.items.map((p) => (p.id === product.id ? product : p)) });
      }
    },
    [current, listing],
  );

  const acceptKey = (value: string): void => {
    adminKeyStore.set(value);
    setKey(value);
    setMessage(null);
  };

  const forgetKey = (): void => {
    adminKeyStore.clear();
    setKey('');
    setEditing(null);
  };

  /** Shows an error; a refused key is forgotten so the key form comes back. */
  const fail = (title: string, error: unknown): void => {
    if (isAuthError(error)) {
      adminKeyStore.clear();
      setKey('');
      setEditing(null);
    }
    setMessage({ tone: 'error', title, error });
  };

  /** After a 412, shows the product as it is now and says so. */
  const reloadAfterConflict = async (product: Product): Promise<Product | null> => {
    try {
      const latest = (await getProduct(product.id, { fresh: true })).product;
      replaceInList(latest);
      const text = `${product.name} was changed by someone else since this page loaded it. The latest version is shown now: check it and make your change again.`;
      setMessage({ tone: 'conflict', text });
      return latest;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404 && current) {
        listing.set({ ...current, items: current.items.filter((p) => p.id !== product.id) });
        setMessage({ tone: 'conflict', text: `${product.name} was deleted by someone else.` });
        return null;
      }
      fail('The latest version could not be loaded', error);
      return null;
    }
  };

  const create = async (input: ProductInput): Promise<void> => {
    try {
      const { product } = await api.create(input);
      setEditing(null);
      setMessage({ tone: 'success', text: `Created ${product.name} (SKU ${product.sku}, id ${String(product.id)}).` });
      listing.reload();
    } catch (error) {
      fail('The product was not created', error);
      throw error;
    }
  };

  const save = async (product: Product, input: ProductInput): Promise<void> => {
    try {
      const saved = await api.replace(product.id, etagOf(product), input);
      replaceInList(saved.product);
      setEditing(null);
      setMessage({ tone: 'success', text: `Saved ${saved.product.name}.` });
    } catch (error) {
      if (isConflict(error)) {
        const latest = await reloadAfterConflict(product);
        setEditing(latest ? { mode: 'edit', product: latest, notice: 'Reloaded after a conflict: these are the current values.' } : null);
        return;
      }
      fail(`${product.name} was not saved`, error);
      throw error;
    }
  };

  const setStock = async (product: Product, stock: number): Promise<void> => {
    setBusyId(product.id);
    try {
      const saved = await api.patch(product.id, etagOf(product), { stock });
      replaceInList(saved.product);
      setMessage({ tone: 'success', text: `Stock of ${saved.product.name} is now ${String(saved.product.stock)}.` });
    } catch (error) {
      if (isConflict(error)) {
        await reloadAfterConflict(product);
      } else {
        fail(`The stock of ${product.name} was not changed`, error);
      }
    } finally {
      setBusyId(null);
    }
  };

  const remove = async (product: Product): Promise<void> => {
    setBusyId(product.id);
    try {
      await api.remove(product.id, etagOf(product));
      if (current) {
        listing.set({ ...current, items: current.items.filter((p) => p.id !== product.id) });
      }
      setMessage({ tone: 'success', text: `Deleted ${product.name}.` });
    } catch (error) {
      if (isConflict(error)) {
        await reloadAfterConflict(product);
      } else {
        fail(`${product.name} was not deleted`, error);
      }
    } finally {
      setBusyId(null);
    }
  };

  const loadMore = async (): Promise<void> => {
    if (!current || current.cursor === null) {
      return;
    }
    setLoadingMore(true);
    try {
      const page = await listProducts({ q: search, limit: ADMIN_PAGE_SIZE, cursor: current.cursor });
      listing.set({ items: [...current.items, ...page.items], cursor: page.next_cursor });
    } catch (error) {
      fail('More products could not be loaded', error);
    } finally {
      setLoadingMore(false);
    }
  };

  const submitSearch = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setSearch(query.trim());
  };

  const editorInitial = useMemo(() => (editing?.mode === 'edit' ? formOfProduct(editing.product) : EMPTY_PRODUCT_FORM), [editing]);

  return (
    <section className="page admin" aria-labelledby="admin-title">
      <h1 id="admin-title">Catalog admin</h1>
      <AdminNav current="products" />
      {message?.tone === 'success' && (
        <FocusedNotice tone="success">
          <p>{message.text}</p>
        </FocusedNotice>
      )}
      {message?.tone === 'conflict' && (
        <FocusedNotice tone="error">
          <p className="notice-title">Conflict: the product changed</p>
          <p>{message.text}</p>
        </FocusedNotice>
      )}
      {message?.tone === 'error' && <ApiErrorNotice title={message.title} error={message.error} />}

      {key === '' ? (
        <AdminKeyForm onKey={acceptKey} />
      ) : (
        <>
          <p className="admin-session">
            Using an admin key for this tab.{' '}
            <button type="button" className="button button-link" onClick={forgetKey}>
              Forget the key
            </button>
          </p>
          {editing === null && (
            <p>
              <button type="button" className="button" onClick={() => setEditing({ mode: 'create' })}>
                New product
              </button>
            </p>
          )}
          {editing?.mode === 'create' && (
            <ProductEditor title="New product" initial={editorInitial} submitLabel="Create product" onSave={create} onCancel={() => setEditing(null)} />
          )}
          {editing?.mode === 'edit' && (
            <ProductEditor
              title={`Edit ${editing.product.name}`}
              initial={editorInitial}
              submitLabel="Save changes"
              notice={editing.notice}
              onSave={(input) => save(editing.product, input)}
              onCancel={() => setEditing(null)}
            />
          )}
        </>
      )}

      <section aria-labelledby="admin-products-title">
        <h2 id="admin-products-title">Products</h2>
        <form className="search" role="search" onSubmit={submitSearch}>
          <div className="field field-grow">
            <label htmlFor="admin-q">Find products</label>
            <input id="admin-q" type="search" value={query} maxLength={100} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <button type="submit" className="button button-secondary">
            Find
          </button>
        </form>
        {listing.state.status === 'loading' && <Loading label="Loading products…" />}
        {listing.state.status === 'error' && <ErrorNotice title="The products could not be loaded" error={listing.state.error} onRetry={listing.reload} />}
        {current && current.items.length === 0 && <p>No products.</p>}
        {current && current.items.length > 0 && (
          <div className="table-scroll">
            <table className="admin-table">
              <caption className="visually-hidden">Products in the catalog</caption>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Price</th>
                  <th scope="col">Stock</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {current.items.map((p) => (
                  <AdminProductRow
                    key={p.id}
                    product={p}
                    busy={key === '' || busyId === p.id}
                    onEdit={(product) => setEditing({ mode: 'edit', product, notice: null })}
                    onSetStock={setStock}
                    onDelete={remove}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {current && current.cursor !== null && (
          <p className="load-more">
            <button type="button" className="button button-secondary" onClick={() => void loadMore()} disabled={loadingMore}>
              {loadingMore ? 'Loading…' : 'Load more products'}
            </button>
          </p>
        )}
      </section>
    </section>
  );
}
