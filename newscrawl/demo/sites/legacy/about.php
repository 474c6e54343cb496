<html dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>صدى الخليج :: من نحن</title>
<link rel="stylesheet" type="text/css" href="/style.css">
</head>
<body bgcolor="#FFFFFF" topmargin="0" leftmargin="0">
<table width="780" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td colspan="2" bgcolor="#003366" height="80"><a href="/"><img src="/images/logo.gif" border="0" alt="صدى الخليج"></a>
<font face="Tahoma" size="5" color="#ffffff"><b>صدى الخليج</b></font> <font color="#cccccc" size="1">جريدة إلكترونية يومية</font></td></tr>
<tr><td colspan="2" bgcolor="#990000"><table width="100%"><tr><td width="60"><font color="#ffff00"><b>عاجل</b></font></td>
<td><marquee direction="right" scrollamount="3" onmouseover="this.stop()" onmouseout="this.start()"><a href="/news.php?id=23072"><font color="#ffffff">الإسكان توزع ألفي قسيمة في مدينة المطلاع</font></a> &nbsp;***&nbsp; <a href="/news.php?id=23070"><font color="#ffffff">البورصة تغلق على ارتفاع بدعم من أسهم البنوك</font></a> &nbsp;***&nbsp; <a href="/news.php?id=23063"><font color="#ffffff">مجلس الوزراء يقر مشروع الميزانية العامة للسنة المالية الجديدة</font></a></marquee></td></tr></table></td></tr>
<tr><td colspan="2" bgcolor="#e6e6e6" class="menu"><a href="/">الرئيسية</a> | <a href="/section.php?cat=1">محليات</a> | <a href="/section.php?cat=2">اقتصاد</a> | <a href="/about.php">من نحن</a> | <a href="/contact.php">اتصل بنا</a></td></tr>
<tr>
<td width="190" valign="top" bgcolor="#f2f2f2">
<table width="100%" cellpadding="3"><tr><td bgcolor="#003366"><font color="#ffffff"><b>آخر الأخبار</b></font></td></tr>
<tr><td class="side"><img src="/images/arrow.gif" width="7" height="7"> <a href="/news.php?id=23068">مصر تستأنف تصدير الغاز المسال إلى أوروبا مع تعافي الأسعار</a></td></tr>
<tr><td class="side"><img src="/images/arrow.gif" width="7" height="7"> <a href="/news.php?id=23072">الإسكان توزع ألفي قسيمة في مدينة المطلاع</a></td></tr>
<tr><td class="side"><img src="/images/arrow.gif" width="7" height="7"> <a href="/news.php?id=23070">البورصة تغلق على ارتفاع بدعم من أسهم البنوك</a></td></tr>
</table>
<br><table width="100%"><tr><td align="center"><img src="/images/banner.gif" width="160" height="240" alt="إعلان"></td></tr></table>
</td>
<td width="590" valign="top" class="main">
<table width="100%" cellpadding="8"><tr><td>
<font size="4"><b>من نحن</b></font><br><br>
صدى الخليج جريدة إلكترونية يومية تصدر منذ عام 2001، تهتم بالشأن المحلي والخليجي وتقدم لقرائها الأخبار العاجلة والتقارير الاقتصادية.<br><br>للتواصل مع أسرة التحرير يرجى زيارة صفحة اتصل بنا.
</td></tr></table>
</td>
</tr>
<tr><td colspan="2" bgcolor="#003366" align="center"><font color="#ffffff" size="1">جميع الحقوق محفوظة &copy; 2020 صدى الخليج - يمنع النسخ أو الاقتباس دون ذكر المصدر</font></td></tr>
</table>
</body>
</html>
