//! `gigafibre check`: an audit of the rules the data must always keep. Each
//! check is one query that lists the rows breaking a rule, so the same SQL
//! both counts violations and names the first few.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

/// One rule and the query that finds the rows breaking it. The query yields
/// one text column, `label`, naming each offending row.
struct Rule {
    description: &'static str,
    violations: &'static str,
}

const RULES: &[Rule] = &[
    Rule {
        description: "every invoice subtotal equals the sum of its lines",
        violations: "SELECT i.number AS label FROM invoices i \
            WHERE i.subtotal_cents <> COALESCE((SELECT SUM(l.amount_cents) FROM invoice_lines l WHERE l.invoice_id = i.id), 0)",
    },
    Rule {
        description: "every invoice total equals its subtotal plus GST and QST",
        violations: "SELECT i.number AS label FROM invoices i \
            WHERE i.total_cents <> i.subtotal_cents + i.gst_cents + i.qst_cents",
    },
    Rule {
        description: "every invoice line amount equals quantity times unit price",
        violations: "SELECT CAST(l.id AS TEXT) AS label FROM invoice_lines l \
            WHERE l.amount_cents <> l.quantity * l.unit_price_cents",
    },
    Rule {
        description: "every invoice balance equals its total less payments and credit notes",
        violations: "SELECT i.number AS label FROM invoices i WHERE i.balance_cents <> i.total_cents \
            - COALESCE((SELECT SUM(a.amount_cents) FROM payment_allocations a WHERE a.invoice_id = i.id), 0) \
            - COALESCE((SELECT SUM(c.total_cents) FROM credit_notes c WHERE c.invoice_id = i.id), 0)",
    },
    Rule {
        description: "every customer balance equals invoices less payments, plus refunds, less credit notes",
        violations: "SELECT c.account_number AS label FROM customers c WHERE c.balance_cents <> \
            COALESCE((SELECT SUM(i.total_cents) FROM invoices i WHERE i.customer_id = c.id AND i.status <> 'void'), 0) \
            - COALESCE((SELECT SUM(p.amount_cents) FROM payments p WHERE p.customer_id = c.id), 0) \
            + COALESCE((SELECT SUM(r.amount_cents) FROM refunds r WHERE r.customer_id = c.id), 0) \
            - COALESCE((SELECT SUM(n.total_cents) FROM credit_notes n WHERE n.customer_id = c.id), 0)",
    },
    Rule {
        description: "a paid invoice owes nothing",
        violations: "SELECT i.number AS label FROM invoices i WHERE i.status = 'paid' AND i.balance_cents <> 0",
    },
    Rule {
        description: "no payment is allocated or refunded beyond its amount",
        violations: "SELECT CAST(p.id AS TEXT) AS label FROM payments p WHERE p.amount_cents < \
            COALESCE((SELECT SUM(a.amount_cents) FROM payment_allocations a WHERE a.payment_id = p.id), 0) \
            + COALESCE((SELECT SUM(r.amount_cents) FROM refunds r WHERE r.payment_id = p.id), 0)",
    },
    Rule {
        description: "every allocation settles an invoice of the customer who paid",
        violations: "SELECT CAST(a.id AS TEXT) AS label FROM payment_allocations a \
            JOIN payments p ON p.id = a.payment_id JOIN invoices i ON i.id = a.invoice_id \
            WHERE p.customer_id <> i.customer_id",
    },
    Rule {
        description: "every refund goes back to the customer who paid",
        violations: "SELECT CAST(r.id AS TEXT) AS label FROM refunds r \
            JOIN payments p ON p.id = r.payment_id WHERE p.customer_id <> r.customer_id",
    },
    Rule {
        description: "installed equipment is at a customer's, van stock is with a technician",
        violations: "SELECT e.serial AS label FROM equipment e \
            WHERE (e.status = 'installed' AND e.customer_id IS NULL) OR (e.status = 'van' AND e.technician_id IS NULL)",
    },
    Rule {
        description: "no orphan rows (lines, payments, subscriptions, tickets, locations, jobs, messages)",
        violations: "SELECT 'invoice_lines ' || CAST(l.id AS TEXT) AS label FROM invoice_lines l \
                LEFT JOIN invoices i ON i.id = l.invoice_id WHERE i.id IS NULL \
            UNION ALL SELECT 'invoices ' || x.number FROM invoices x \
                LEFT JOIN customers c ON c.id = x.customer_id WHERE c.id IS NULL \
            UNION ALL SELECT 'payments ' || CAST(p.id AS TEXT) FROM payments p \
                LEFT JOIN customers c ON c.id = p.customer_id WHERE c.id IS NULL \
            UNION ALL SELECT 'payment_allocations ' || CAST(a.id AS TEXT) FROM payment_allocations a \
                LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN invoices i ON i.id = a.invoice_id \
                WHERE p.id IS NULL OR i.id IS NULL \
            UNION ALL SELECT 'subscriptions ' || CAST(s.id AS TEXT) FROM subscriptions s \
                LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN plans pl ON pl.id = s.plan_id \
                WHERE c.id IS NULL OR pl.id IS NULL \
            UNION ALL SELECT 'tickets ' || CAST(t.id AS TEXT) FROM tickets t \
                LEFT JOIN customers c ON c.id = t.customer_id WHERE c.id IS NULL \
            UNION ALL SELECT 'ticket_messages ' || CAST(m.id AS TEXT) FROM ticket_messages m \
                LEFT JOIN tickets t ON t.id = m.ticket_id WHERE t.id IS NULL \
            UNION ALL SELECT 'service_locations ' || CAST(s.id AS TEXT) FROM service_locations s \
                LEFT JOIN customers c ON c.id = s.customer_id WHERE c.id IS NULL \
            UNION ALL SELECT 'dispatch_jobs ' || CAST(j.id AS TEXT) FROM dispatch_jobs j \
                LEFT JOIN customers c ON c.id = j.customer_id LEFT JOIN service_locations s ON s.id = j.service_location_id \
                WHERE c.id IS NULL OR s.id IS NULL \
            UNION ALL SELECT 'credit_notes ' || n.number FROM credit_notes n \
                LEFT JOIN customers c ON c.id = n.customer_id WHERE c.id IS NULL",
    },
];

/// How many rows break one rule, and the first few of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub description: &'static str,
    pub violations: u64,
    pub examples: Vec<String>,
}

impl Finding {
    pub fn passed(&self) -> bool {
        self.violations == 0
    }
}

/// Runs every rule.
pub async fn audit(db: &DatabaseConnection) -> Result<Vec<Finding>, DbErr> {
    let backend = db.get_database_backend();
    let mut findings = Vec::with_capacity(RULES.len());
    for rule in RULES {
        let count_sql = format!("SELECT COUNT(*) AS n FROM ({}) v", rule.violations);
        let violations = match db.query_one_raw(Statement::from_string(backend, count_sql)).await? {
            Some(row) => row.try_get::<i64>("", "n")?,
            None => 0,
        };
        let mut examples = Vec::new();
        if violations > 0 {
            let sample_sql = format!("SELECT label FROM ({}) v ORDER BY label LIMIT 5", rule.violations);
            for row in db.query_all_raw(Statement::from_string(backend, sample_sql)).await? {
                examples.push(row.try_get::<String>("", "label")?);
            }
        }
        findings.push(Finding { description: rule.description, violations: violations.max(0) as u64, examples });
    }
    Ok(findings)
}
