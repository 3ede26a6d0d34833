// A titled section of a dashboard page, and the grid that lays panels out.
import type { ReactNode } from 'react';
import styles from './ui.module.css';

export function Panel({ id, title, description, actions, children }: { id: string; title: string; description?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className={styles.panel} aria-labelledby={`${id}-title`} id={id}>
      <div className={styles.panelHead}>
        <div>
          <h2 id={`${id}-title`} className={styles.panelTitle}>
            {title}
          </h2>
          {description ? <p className={styles.panelDescription}>{description}</p> : null}
        </div>
        {actions ? <div className={styles.panelActions}>{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

export function Grid({ columns = 2, children }: { columns?: 2 | 3 | 4; children: ReactNode }) {
  return <div className={`${styles.grid} ${styles[`grid${columns}`]}`}>{children}</div>;
}

/** A headline figure: a label, the value (or the masked badge) and a hint below. */
export function Stat({ label, children, hint, testId }: { label: string; children: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className={styles.stat} data-stat={testId}>
      <div className={styles.statLabel}>{label}</div>
      <div className={styles.statValue}>{children}</div>
      {hint ? <div className={styles.statHint}>{hint}</div> : null}
    </div>
  );
}

/** The page heading with the range it shows and room for controls on the right. */
export function PageHeader({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children?: ReactNode }) {
  return (
    <div className={styles.pageHeader}>
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className={styles.subtitle}>{subtitle}</p> : null}
      </div>
      {children ? <div className={styles.panelActions}>{children}</div> : null}
    </div>
  );
}
