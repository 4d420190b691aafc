import type { RateRule } from '@create-something/app-kit/server/rate-limit';
import { z } from 'zod';

/** At most 3 inquiries per visitor per 10 minutes (a studio gets a few a week). */
export const INQUIRY_LIMIT: RateRule = { name: 'inquiry', limit: 3, windowSeconds: 10 * 60 };

/** Inquiries hold a name, an address and a message: kept for a year, then deleted (see README, Retention). */
export const INQUIRY_RETENTION_DAYS = 365;

export interface Service {
  slug: string;
  name: string;
  description: string;
  inquiry_count: number;
}

export const inquirySchema = z.object({
  name: z.string().trim().min(1, 'Name is required').max(80, 'Name must be at most 80 characters'),
  email: z
    .string()
    .trim()
    .max(254, 'Email is too long')
    .pipe(z.email({ message: 'Enter a valid email address' })),
  company: z.string().trim().max(120, 'Company must be at most 120 characters'),
  service: z.string().regex(/^[a-z0-9-]{1,60}$/, 'Choose a service from the list'),
  message: z
    .string()
    .trim()
    .min(10, 'Tell us a little more (at least 10 characters)')
    .max(2000, 'Message must be at most 2000 characters'),
});

export type Inquiry = z.infer<typeof inquirySchema>;

export async function listServices(db: D1Database): Promise<Service[]> {
  const { results } = await db
    .prepare('SELECT slug, name, description, inquiry_count FROM services ORDER BY sort')
    .all<Service>();
  return results;
}

export async function serviceExists(db: D1Database, slug: string): Promise<boolean> {
  return (await db.prepare('SELECT 1 AS found FROM services WHERE slug = ?').bind(slug).first()) !== null;
}

/**
 * The inquiry row and the service's counter change together or not at all; the same batch deletes inquiries past
 * their retention (through the created_at index, so only the expired rows are touched).
 */
export async function saveInquiry(db: D1Database, inquiry: Inquiry): Promise<void> {
  await db.batch([
    db
      .prepare("DELETE FROM inquiries WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)")
      .bind(`-${INQUIRY_RETENTION_DAYS} days`),
    db
      .prepare('INSERT INTO inquiries (name, email, company, service, message) VALUES (?, ?, ?, ?, ?)')
      .bind(inquiry.name, inquiry.email, inquiry.company, inquiry.service, inquiry.message),
    db.prepare('UPDATE services SET inquiry_count = inquiry_count + 1 WHERE slug = ?').bind(inquiry.service),
  ]);
}
