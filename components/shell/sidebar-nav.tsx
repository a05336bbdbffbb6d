'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { UnreadBadge } from '@/components/inbox/unread-badge';
import inboxStyles from '@/components/inbox/inbox.module.css';

const ITEMS = [
  { href: '/dashboard', label: 'Dashboard' },
  { href: '/inbox', label: 'Inbox' },
  { href: '/settings', label: 'Settings' },
] as const;

const SIMULATOR = { href: '/simulator', label: 'Phone simulator' } as const;

export function SidebarNav({ simulator = false }: { simulator?: boolean }) {
  const pathname = usePathname();
  const items = simulator ? [...ITEMS, SIMULATOR] : ITEMS;
  return (
    <ul className="nav">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <li key={item.href}>
            {item.href === '/inbox' ? (
              <Link href={item.href} className={`nav__link ${inboxStyles.navLink}`} aria-current={active ? 'page' : undefined}>
                {item.label}
                <UnreadBadge />
              </Link>
            ) : (
              <Link href={item.href} className="nav__link" aria-current={active ? 'page' : undefined}>
                {item.label}
              </Link>
            )}
          </li>
        );
      })}
    </ul>
  );
}
