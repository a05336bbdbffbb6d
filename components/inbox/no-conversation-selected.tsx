import { EmptyIcon } from '@/components/ui/empty-icon';
import styles from './inbox.module.css';

/** The thread pane before a conversation is chosen. */
export function NoConversationSelected() {
  return (
    <div className={styles.emptyThread}>
      <EmptyIcon name="inbox" />
      <h2>Choose a conversation</h2>
      <p>Pick a conversation on the left to read it and reply. New messages appear there the moment they arrive.</p>
    </div>
  );
}
